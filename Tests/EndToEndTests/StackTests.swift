import Foundation
import Logging
import NIOPosix
import ShopDomain
import ShopHTTP
import ShopService
import ShopTestSupport
import Testing

/// The nine real executables, as `make up` runs them, against a private Redis on free ports.
@Suite("End to end: the nine executables", .serialized)
struct StackTests {
    static let executables = ServiceName.allCases.map(\.executable)

    @Test("all nine start, answer /health, /ready and /metrics, and `ordershop-client ready` passes")
    func nineServicesUp() async throws {
        let redis = try await TestRedis.start()
        defer { redis.stop() }
        try await withServiceStack(Self.executables, environment: ["REDIS_URL": redis.url]) { stack in
            for service in ServiceName.allCases {
                let client = try Self.client(stack, service.executable)
                let health = try await client.execute(.GET, "/health")
                #expect(health.status == .ok, "\(service.executable) /health")
                #expect(String(buffer: health.body) == #"{"status":"ok"}"#)
                let ready = try await Self.poll(client, "/ready", until: 200)
                #expect(ready.status == .ok, "\(service.executable) /ready: \(String(buffer: ready.body))")
                let metrics = try await client.execute(.GET, "/metrics")
                #expect(String(buffer: metrics.body).contains(#"http_requests_total{route="/health""#))
                await client.shutdown()
            }
            let (status, output) = try await Self.runClient(["ready", "--timeout", "30"], stack.environment, stack)
            #expect(status == 0, "ordershop-client ready: \(output)")
            for executable in Self.executables {
                #expect(output.contains(executable), "\(executable) missing from: \(output)")
            }
            #expect(!output.contains("NOT READY"))
        }
    }

    @Test("a service stopped (SIGTERM, SIGINT) exits cleanly, killed (-9) dies, and starts again on its port; others stay up")
    func stopKillAndStartOne() async throws {
        let redis = try await TestRedis.start()
        defer { redis.stop() }
        let executables = ["crm-service", "msg-service"]
        try await withServiceStack(executables, environment: ["REDIS_URL": redis.url]) { stack in
            await stack.stop("crm-service")
            #expect(!stack.isRunning("crm-service"))
            #expect(stack.exitStatus(of: "crm-service") == 0, "SIGTERM is a graceful stop, exit status 0")
            #expect(stack.log(of: "crm-service").contains("stopped"), "graceful shutdown is logged")
            let crm = try Self.client(stack, "crm-service")
            await #expect(throws: (any Error).self) { try await crm.execute(.GET, "/health") }
            let msg = try Self.client(stack, "msg-service")
            #expect(try await msg.execute(.GET, "/health").status == .ok)

            try await stack.start("crm-service")
            #expect(try await crm.execute(.GET, "/ready").status == .ok)

            await stack.stop("crm-service", signal: SIGINT)
            #expect(stack.exitStatus(of: "crm-service") == 0, "SIGINT (Ctrl-C) is a graceful stop too")
            try await stack.start("crm-service")

            await stack.kill("crm-service")
            #expect(!stack.isRunning("crm-service"))
            #expect(stack.exitStatus(of: "crm-service") == SIGKILL)
            try await stack.start("crm-service")
            #expect(try await crm.execute(.GET, "/health").status == .ok)
            await crm.shutdown()
            await msg.shutdown()
        }
    }

    @Test("/ready turns 503 while Redis is down and 200 again after it restarts, without restarting the service",
          .disabled(if: TestRedis.clusterRequested, "kills and restarts one redis-server"))
    func redisOutage() async throws {
        let redis = try await RedisTestServer.start()
        defer { redis.stop() }
        try await withServiceStack(["customer-service"], environment: ["REDIS_URL": redis.url]) { stack in
            let client = try Self.client(stack, "customer-service")
            redis.kill()
            let down = try await Self.poll(client, "/ready", until: 503)
            #expect(down.status == .serviceUnavailable)
            #expect(String(buffer: down.body).contains("redis"))
            #expect(try await client.execute(.GET, "/health").status == .ok, "liveness does not depend on Redis")
            try await redis.restart()
            #expect(try await Self.poll(client, "/ready", until: 200).status == .ok)
            #expect(stack.isRunning("customer-service"))
            await client.shutdown()
        }
    }

    @Test("a bad configuration value stops a service at start with a message naming the variable")
    func badConfiguration() async throws {
        let bin = try ServiceStack.locateBinDirectory(containing: "gateway-api")
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("bad-config-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        var environment = ProcessInfo.processInfo.environment
        environment["PORT"] = "not-a-port"
        let process = try ManagedProcess(executable: bin + "/gateway-api", environment: environment, logPath: log)
        #expect(await process.waitForExit(timeout: .seconds(30)))
        #expect(process.terminationStatus == 78)
        #expect(process.logTail().contains(#"PORT must be an integer from 0 to 65535, got "not-a-port""#))
    }

    @Test("`ordershop-client ready` fails with the reason when a service does not answer")
    func readyClientTimesOut() async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["CRM_SERVICE_URL"] = "http://127.0.0.1:\(try freePort())"
        let (status, output) = try await Self.runClient(["ready", "--timeout", "1", "--service", "crm-service"], environment, nil)
        #expect(status != 0)
        #expect(output.contains("crm-service"))
        #expect(output.contains("NOT READY"))
        #expect(!output.contains("gateway-api"), "only the service asked for is checked")
    }

    @Test("`ordershop-client ready` refuses an unknown service name or a bad timeout with a usage error")
    func readyClientValidatesArguments() async throws {
        let environment = ProcessInfo.processInfo.environment
        let (unknownStatus, unknown) = try await Self.runClient(["ready", "--service", "crm"], environment, nil)
        #expect(unknownStatus == 64)
        #expect(unknown.contains("unknown service 'crm'"), "output: \(unknown)")
        let (timeoutStatus, timeout) = try await Self.runClient(["ready", "--timeout", "0"], environment, nil)
        #expect(timeoutStatus == 64)
        #expect(timeout.contains("--timeout must be a positive number of seconds"), "output: \(timeout)")
    }

    // MARK: helpers

    static func client(_ stack: ServiceStack, _ executable: String) throws -> HTTPClient {
        var configuration = HTTPClientConfiguration()
        configuration.connectTimeout = .seconds(10)  // generous: the whole test run shares two cores
        configuration.requestTimeout = .seconds(30)
        return try HTTPClient(
            baseURL: stack.url(of: executable), configuration: configuration,
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "e2e"))
    }

    /// Runs `ordershop-client` with `arguments`; its exit status and output.
    static func runClient(
        _ arguments: [String], _ environment: [String: String], _ stack: ServiceStack?
    ) async throws -> (Int32, String) {
        let bin = try stack?.binDirectory ?? ServiceStack.locateBinDirectory(containing: "ordershop-client")
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("client-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let process = try ManagedProcess(
            executable: bin + "/ordershop-client", arguments: arguments, environment: environment, logPath: log)
        guard await process.waitForExit(timeout: .seconds(90)) else {
            process.send(SIGKILL)
            throw TestSupportError("ordershop-client \(arguments) did not return")
        }
        return (process.terminationStatus ?? -1, process.logTail(lines: 100))
    }

    /// GETs `path` until it answers `status` or 30 s pass; the last response.
    static func poll(_ client: HTTPClient, _ path: String, until status: UInt) async throws -> ClientResponse {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let response = try await client.execute(.GET, path)
            if response.status.code == status || ContinuousClock.now > deadline { return response }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
