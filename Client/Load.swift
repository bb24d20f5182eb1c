import ArgumentParser
import Foundation
import Logging
import NIOPosix
import ShopDomain
import ShopHTTP
import ShopLoad

/// `ordershop-client load`: drives the gateway with a closed or open workload, reports throughput and latency
/// per operation, then checks the shop is still correct (exit status 1 when a check fails).
struct Load: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load the gateway (closed model: --connections; open model: --rate) and check correctness afterwards.",
        discussion: """
            Sets up its own customers, products and stock, runs the workload mix, prints a progress line every \
            second on stderr, then a summary per operation (throughput, p50/p90/p99/p99.9/max from HdrHistogram, \
            status codes) and the correctness checks: nothing oversold, stock conserved, accepted orders listed, \
            no event lost, projection = fold of events (GET /verify/{topic} of the gateway), no server errors. \
            Mixes: orders, reads, report, mixed (orders=60,reads=30,report=10) or a list like orders=80,reads=20. \
            In the open model, requests due before the end but not yet sent when it comes are reported as unsent. \
            Exit status 1 when a check fails.
            """)

    @Option(help: "The gateway's base URL (default: GATEWAY_API_URL or http://127.0.0.1:5000).")
    var url: String?

    @Option(help: "Concurrent connections (virtual users).")
    var connections: Int = 16

    @Option(help: "Seconds to run (default 10, or until --requests when only that is given).")
    var duration: Double?

    @Option(help: "Stop after this many requests.")
    var requests: Int?

    @Option(help: "Open model: requests per second, latency measured from each request's due time.")
    var rate: Double?

    @Option(help: "Workload: a preset (orders, reads, report, mixed) or operation=weight,… (orders, reads, report).")
    var mix: String = "orders"

    @Option(help: "Customers to create for the run.")
    var customers: Int = 10

    @Option(help: "Products to create for the run (each order cycles through them).")
    var products: Int = 10

    @Option(help: "Initial stock of each product.")
    var stock: Int = 1_000_000

    @Option(help: "Products per order.")
    var items: Int = 1

    @Option(help: "Orders to place before the run (e.g. 300 for GET /orders with 300 orders in the shop).")
    var preloadOrders: Int = 0

    @Option(help: "Before the run, wait up to this many seconds until the consumer groups have caught up (0: don't).")
    var settle: Double = 0

    @Option(help: "Accepted for scripts written for earlier versions and not used: the gateway compares projections with the fold of their events (GET /verify/{topic}).")
    var redisURL: String?

    @Option(help: "Seconds before a request without an answer counts as failed.")
    var timeout: Double = 10

    @Option(help: ArgumentHelp("Print only this line, e.g. 'orders: ok={ok_rate}/s p99={p99} ms' or 'reads p50={reads.p50} ms total={total.rate}/s'.",
                               discussion: "Placeholders: {rate} {ok_rate} {p50} {p90} {p99} {p999} {max} {requests} {ok} {refused} {failed}, of the first operation, or of one named as {orders.p99}, {reads.p50}, {report.rate}; {total.rate} {total.ok_rate} {total.requests} {total.ok} {total.refused} {total.failed} add up every operation."))
    var line: String?

    @Flag(help: "Reads send If-None-Match with the ETag of their list's last answer on the same connection (304 counts as ok).")
    var ifNoneMatch = false

    @Flag(help: "Print the summary as JSON on stdout.")
    var json = false

    @Flag(help: "No progress lines.")
    var quiet = false

    func validate() throws {
        guard (1...4096).contains(connections) else { throw ValidationError("--connections must be from 1 to 4096") }
        if let duration, !(duration > 0 && duration <= 86_400) {
            throw ValidationError("--duration must be a number of seconds above 0 and at most 86400")
        }
        if let requests, requests < 1 { throw ValidationError("--requests must be at least 1") }
        guard (1...10_000).contains(customers) else { throw ValidationError("--customers must be from 1 to 10000") }
        guard (1...10_000).contains(products) else { throw ValidationError("--products must be from 1 to 10000") }
        guard (0...1_000_000_000).contains(stock) else { throw ValidationError("--stock must be from 0 to 1000000000") }
        guard (1...1000).contains(items) else { throw ValidationError("--items must be from 1 to 1000") }
        guard (0...1_000_000).contains(preloadOrders) else { throw ValidationError("--preload-orders must be from 0 to 1000000") }
        guard settle >= 0, settle <= 3600 else { throw ValidationError("--settle must be a number of seconds from 0 to 3600") }
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be a number of seconds above 0 and at most 3600") }
        do {
            _ = try WorkloadMix(parsing: mix)
            if let rate { _ = try OpenModelSchedule(rate: rate) }
            if let line { _ = try SummaryLine(template: line) }
        } catch {
            throw ValidationError("\(error)")  // LoadError's description is its message
        }
    }

    func run() async throws {
        var logger = Logger(label: "ordershop-client.load")
        logger.logLevel = .warning
        let plan = LoadRunner.Plan(
            connections: connections, mix: try WorkloadMix(parsing: mix), schedule: try rate.map(OpenModelSchedule.init(rate:)),
            duration: requests != nil && duration == nil ? nil : .milliseconds(Int64((duration ?? 10) * 1000)),
            requests: requests, showProgress: !quiet, conditional: ifNoneMatch)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { group.shutdownGracefully { _ in } }
        let client = try makeClient(group: group, logger: logger)
        let summary: LoadSummary
        do {
            summary = try await runLoad(plan: plan, gateway: LoadGateway(client: client), group: group, logger: logger)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
        if let line {
            print(try SummaryLine(template: line).render(summary))
            for check in summary.checks where !check.passed {
                FileHandle.standardError.write(Data("CHECK FAILED \(check.name): \(check.detail)\n".utf8))
            }
        } else {
            print(json ? try LoadReport.json(summary) : LoadReport.text(summary))
        }
        if !summary.passed { throw ExitCode.failure }
    }

    private func runLoad(plan: LoadRunner.Plan, gateway: LoadGateway, group: MultiThreadedEventLoopGroup,
                         logger: Logger) async throws -> LoadSummary {
        let setup = LoadSetup(gateway: gateway, logger: logger)
        let tag = String(UInt32.random(in: .min ... .max), radix: 16)
        let fixture = try await setup.makeFixture(customers: customers, products: products, stock: stock,
                                                  itemsPerOrder: items, tag: tag)
        let verifier = LoadVerifier(gateway: gateway, logger: logger)
        let orderCreatedBefore = await verifier.orderCreatedCount()
        let recorder = LoadRecorder()
        if preloadOrders > 0 {
            let placed = try await setup.preloadOrders(preloadOrders, fixture: fixture)
            recorder.adopt(acceptedOrders: placed)
        }
        if settle > 0 {
            _ = try await verifier.waitUntilConsumersSettle(timeout: .milliseconds(Int64(settle * 1000)))
        }
        let runner = LoadRunner(gateway: gateway, plan: plan, fixture: fixture, recorder: recorder,
                                executor: EventLoopTaskExecutor(group.next()))
        let elapsed = await runner.run()
        let tally = recorder.result()
        let checks: [CheckResult]
        do {
            checks = try await verifier.check(fixture: fixture, tally: tally, orderCreatedBefore: orderCreatedBefore)
        } catch {
            // An overloaded shop may not even answer the checks' reads: that is a verdict too, not a crash.
            checks = [CheckResult(name: "verification", passed: false, detail: "could not read the shop after the run: \(error)")]
        }
        let unsent = plan.schedule.map { runner.dueCount($0, within: elapsed) - tally.requests } ?? 0
        return LoadSummary(
            model: plan.schedule == nil ? "closed" : "open", connections: plan.connections, targetRate: plan.schedule?.rate,
            mix: plan.mix.description, durationSeconds: elapsed.secondsDouble,
            operations: tally.stats.sorted { $0.key < $1.key }.map { $0.value.summary(of: $0.key, elapsed: elapsed) },
            checks: checks, unsent: Swift.max(0, unsent))
    }

    /// The keep-alive client: one connection per virtual user, answers as large as the shop's lists grow.
    private func makeClient(group: MultiThreadedEventLoopGroup, logger: Logger) throws -> HTTPClient {
        var configuration = HTTPClientConfiguration()
        configuration.maxConnectionsPerUpstream = connections
        configuration.requestTimeout = .milliseconds(Int64(timeout * 1000))
        configuration.connectTimeout = .seconds(5)
        configuration.maxResponseBodySize = 1 << 30  // GET /orders and /report grow with the shop
        let url = try gatewayURL()
        do {
            return try HTTPClient(baseURL: url, configuration: configuration, eventLoopGroup: group, logger: logger)
        } catch {
            throw ValidationError("--url: \(error)")
        }
    }

    private func gatewayURL() throws -> String {
        if let url { return url }
        do {
            return try ServiceName.urls(environment: ProcessInfo.processInfo.environment)[.gateway] ?? ServiceName.gateway.defaultURL
        } catch {
            throw ValidationError(error.description)
        }
    }
}
