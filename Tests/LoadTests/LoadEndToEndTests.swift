import Foundation
import ShopLoad
import ShopService
import ShopTestSupport
import Testing

/// `ordershop-client load` against the nine real executables and a private Redis: its checks pass on a correct
/// shop, and its counts agree with what the stock allows.
@Suite("load against the nine executables", .serialized)
struct LoadEndToEndTests {
    static let executables = ServiceName.allCases.map(\.executable)

    @Test("closed model, mixed workload, stock below demand: exactly the stock is sold and every check passes")
    func closedMixedRunSellsExactlyTheStock() async throws {
        let redis = try await RedisTestServer.start()
        defer { redis.stop() }
        try await withServiceStack(Self.executables, environment: ["REDIS_URL": redis.url]) { stack in
            // 400 requests dealt 60/30/10: 240 orders of one product each over 3 products of 50 in stock.
            let run = try await Self.load(stack, redis: redis, [
                "--connections", "8", "--requests", "400", "--mix", "mixed", "--products", "3", "--stock", "50",
            ])
            #expect(run.status == 0, "\(run.output)")
            let summary = try #require(run.summary, "\(run.output)")
            Self.expectEveryCheckRanAndPassed(summary)
            #expect(summary.model == "closed")
            let orders = try #require(summary.operations.first { $0.operation == .orders })
            #expect(orders.requests == 240)
            #expect(orders.ok == 150, "3 products × 50 in stock")
            #expect(orders.refused == 90)
            #expect(orders.failed == 0)
            #expect(orders.statusCounts["409"] == 90)
            #expect(summary.operations.first { $0.operation == .reads }?.ok == 120)
            #expect(summary.operations.first { $0.operation == .report }?.ok == 40)
            #expect(orders.latency.p50 > 0 && orders.latency.p50 <= orders.latency.p99)
        }
    }

    @Test("open model at a fixed rate and a preload: every order accepted and listed, checks pass")
    func openModelRunPassesItsChecks() async throws {
        let redis = try await RedisTestServer.start()
        defer { redis.stop() }
        try await withServiceStack(Self.executables, environment: ["REDIS_URL": redis.url]) { stack in
            let clock = ContinuousClock()
            let start = clock.now
            let run = try await Self.load(stack, redis: redis, [
                "--connections", "4", "--rate", "100", "--requests", "150", "--preload-orders", "30", "--items", "2",
            ])
            #expect(run.status == 0, "\(run.output)")
            let summary = try #require(run.summary, "\(run.output)")
            Self.expectEveryCheckRanAndPassed(summary)
            #expect(summary.model == "open")
            #expect(summary.targetRate == 100)
            // 150 requests due over 1.49 s: the run cannot be shorter than its timetable.
            #expect(summary.durationSeconds >= 1.45)
            #expect(clock.now - start >= .milliseconds(1450))
            let orders = try #require(summary.operations.first)
            #expect(orders.ok == 150)
            #expect(summary.checks.first { $0.name == "accepted-orders-listed" }?.detail.contains("180 accepted") == true)
        }
    }

    static func expectEveryCheckRanAndPassed(_ summary: LoadSummary) {
        #expect(summary.checks.count == 6)
        for check in summary.checks {
            #expect(check.passed && !check.skipped, "\(check.name): \(check.detail)")
        }
        #expect(summary.passed)
    }

    /// Runs `ordershop-client load --json` against the stack; its exit status, output, and the summary it printed.
    static func load(_ stack: ServiceStack, redis: RedisTestServer, _ arguments: [String]) async throws
        -> (status: Int32, output: String, summary: LoadSummary?) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("load-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let process = try ManagedProcess(
            executable: stack.binDirectory + "/ordershop-client",
            arguments: ["load", "--url", stack.url(of: "gateway-api"), "--redis-url", redis.url, "--json", "--quiet"] + arguments,
            environment: stack.environment, logPath: log)
        guard await process.waitForExit(timeout: .seconds(120)) else {
            process.send(SIGKILL)
            throw TestSupportError("ordershop-client load did not return:\n\(process.logTail(lines: 30))")
        }
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        // The JSON summary is the block from the first line that is just "{" to the end.
        var summary: LoadSummary?
        if let open = output.range(of: "\n{\n") ?? (output.hasPrefix("{\n") ? output.range(of: "{\n") : nil) {
            let json = output[open.lowerBound...]
            summary = try? JSONDecoder().decode(LoadSummary.self, from: Data(json.utf8))
        }
        return (process.terminationStatus ?? -1, output, summary)
    }
}
