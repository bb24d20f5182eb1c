import Foundation
import ShopService
import ShopTestSupport
import Testing

/// `ordershop-client scenario` against the nine real executables, as a user runs it after `make up`.
@Suite("End to end: the integration scenario", .serialized)
struct ScenarioTests {
    @Test("the scenario passes on a fresh stack, messages included, and again on the same stack")
    func scenarioPasses() async throws {
        let redis = try await TestRedis.start()
        defer { redis.stop() }
        let database = try await PostgresTestServer.shared().createDatabase(prefix: "scenario")
        let environment = ["REDIS_URL": redis.url, "DATABASE_URL": database]
        try await withServiceStack(StackTests.executables, environment: environment) { stack in
            let arguments = ["scenario", "--gateway", stack.url(of: "gateway-api"), "--messages-timeout", "60"]
            for run in 1...2 {
                let (status, output) = try await StackTests.runClient(arguments, stack.environment, stack)
                #expect(status == 0, "run \(run): \(output)")
                #expect(output.contains("[11/11]"), "run \(run): every step printed")
                #expect(output.contains("all 32 messages sent, each once"), "run \(run): \(output)")
                #expect(output.contains("scenario passed"), "run \(run): \(output)")
            }
        }
    }

    @Test("the scenario stops at the first failing answer with a clear message and a non-zero status")
    func scenarioFailsClearly() async throws {
        let redis = try await TestRedis.start()
        defer { redis.stop() }
        let executables = ["gateway-api", "customer-service", "product-service", "inventory-service", "order-service"]
        try await withServiceStack(executables, environment: ["REDIS_URL": redis.url]) { stack in
            await stack.stop("order-service")
            let arguments = ["scenario", "--gateway", stack.url(of: "gateway-api"), "--messages-timeout", "0"]
            let (status, output) = try await StackTests.runClient(arguments, stack.environment, stack)
            #expect(status != 0)
            #expect(output.contains("[4/10] create 10 orders"), "\(output)")
            #expect(output.contains("scenario FAILED at step 4: POST /orders answered 503"), "\(output)")
            #expect(!output.contains("[5/10]"), "nothing runs after the first mismatch")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["GATEWAY_API_URL"] = "http://127.0.0.1:\(try freePort())"
        let (status, output) = try await StackTests.runClient(["scenario"], environment, nil)
        #expect(status != 0)
        #expect(output.contains("scenario FAILED at step 1: POST /customers failed"), "\(output)")
    }
}
