import Foundation
import Logging
import ShopDomain
import ShopHTTP
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
                "--settle", "30",
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

    @Test("stock changed behind the load's back mid-run: stock-conserved fails and the exit status is 1")
    func tamperedStockFailsTheRun() async throws {
        let redis = try await RedisTestServer.start()
        defer { redis.stop() }
        try await withServiceStack(Self.executables, environment: ["REDIS_URL": redis.url]) { stack in
            var configuration = HTTPClientConfiguration()
            configuration.requestTimeout = .seconds(30)
            let gateway = try HTTPClient(baseURL: stack.url(of: "gateway-api"), configuration: configuration,
                                         logger: Logger(label: "load-test"))
            // 300 orders due over 15 s: the 5 units land while the run goes on even on a loaded machine (with 3 s,
            // a slow set-up let the run end and check before the PUT, and stock-conserved then rightly passed).
            let run = try Self.startLoad(stack, redis: redis, [
                "--connections", "4", "--rate", "20", "--duration", "15", "--products", "2",
            ])
            let entry = try await Self.pollForInventory(of: gateway)
            var changed = entry
            changed["amount"] = (entry["amount"] as? Int ?? 0) + 5
            let body = try JSONSerialization.data(withJSONObject: changed)
            let put = try await gateway.execute(.PUT, "/inventory/\(entry["id"] as? String ?? "")", body: ByteBuffer(bytes: body))
            #expect(put.status == .ok, "\(String(buffer: put.body))")
            await gateway.shutdown()
            let result = try await Self.finish(run)
            #expect(result.status == 1, "\(result.output)")
            let summary = try #require(result.summary, "\(result.output)")
            let stock = try #require(summary.checks.first { $0.name == "stock-conserved" })
            #expect(!stock.passed)
            #expect(stock.detail.contains("expected"), "\(stock.detail)")
            #expect(!summary.passed)
        }
    }

    /// Polls until the load's products have their stock: the inventory entry (as JSON) of one of them.
    static func pollForInventory(of gateway: HTTPClient) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let products = try JSONSerialization.jsonObject(with: Data(try await gateway.execute(.GET, "/products").body.readableBytesView))
            let ours = Set(((products as? [[String: Any]]) ?? []).filter { ($0["name"] as? String)?.hasPrefix("load ") == true }
                .compactMap { $0["id"] as? String })
            let inventory = try JSONSerialization.jsonObject(with: Data(try await gateway.execute(.GET, "/inventory").body.readableBytesView))
            if let entry = ((inventory as? [[String: Any]]) ?? []).first(where: { ours.contains($0["product_id"] as? String ?? "") }) {
                return entry
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestSupportError("the load's inventory did not appear within 60 s")
    }

    static func expectEveryCheckRanAndPassed(_ summary: LoadSummary) {
        #expect(summary.checks.count == 6)
        for check in summary.checks {
            #expect(check.passed && !check.skipped, "\(check.name): \(check.detail)")
        }
        #expect(summary.passed)
    }

    /// A running `ordershop-client load --json --quiet` against the stack, and the file it writes to.
    struct LoadRun {
        let process: ManagedProcess
        let log: String
    }

    /// Runs `ordershop-client load --json` against the stack; its exit status, output, and the summary it printed.
    static func load(_ stack: ServiceStack, redis: RedisTestServer, _ arguments: [String]) async throws
        -> (status: Int32, output: String, summary: LoadSummary?) {
        try await finish(try startLoad(stack, redis: redis, arguments))
    }

    static func startLoad(_ stack: ServiceStack, redis: RedisTestServer, _ arguments: [String]) throws -> LoadRun {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("load-\(UUID().uuidString).log").path
        let process = try ManagedProcess(
            executable: stack.binDirectory + "/ordershop-client",
            // A generous request timeout: the whole test run shares two cores, and an unanswered request fails a check.
            arguments: ["load", "--url", stack.url(of: "gateway-api"), "--redis-url", redis.url, "--json", "--quiet",
                        "--timeout", "60"] + arguments,
            environment: stack.environment, logPath: log)
        return LoadRun(process: process, log: log)
    }

    /// Waits for the run to end; its exit status, output, and the JSON summary it printed (from the line "{" on).
    static func finish(_ run: LoadRun) async throws -> (status: Int32, output: String, summary: LoadSummary?) {
        defer { try? FileManager.default.removeItem(atPath: run.log) }
        guard await run.process.waitForExit(timeout: .seconds(300)) else {
            run.process.send(SIGKILL)
            throw TestSupportError("ordershop-client load did not return:\n\(run.process.logTail(lines: 30))")
        }
        let output = (try? String(contentsOfFile: run.log, encoding: .utf8)) ?? ""
        var summary: LoadSummary?
        if let open = output.range(of: "\n{\n") ?? (output.hasPrefix("{\n") ? output.range(of: "{\n") : nil) {
            summary = try? JSONDecoder().decode(LoadSummary.self, from: Data(output[open.lowerBound...].utf8))
        }
        return (run.process.terminationStatus ?? -1, output, summary)
    }
}
