import Foundation
import ShopHTTP
import ShopService
import ShopTestSupport

/// Runs a `ServiceRuntime` built exactly as `main` builds it, on port 0, with a client pointed at it.
struct RuntimeHarness {
    let runtime: ServiceRuntime
    let client: HTTPClient

    /// Builds the runtime from `environment` (plus `PORT=0`), lets `configure` add routes and checks, runs it,
    /// calls `body`, then stops it (cancellation) and waits until `run()` has returned.
    static func with(
        environment: [String: String], configure: (ServiceRuntime) throws -> Void = { _ in },
        _ body: (RuntimeHarness) async throws -> Void
    ) async throws {
        var merged = ["PORT": "0", "LOG_LEVEL": "error"]  // unreachable-Redis tests would flood the output
        merged.merge(environment) { _, given in given }
        let config = try ServiceConfig.parse(environment: merged, name: "test-service", defaultPort: 0)
        let runtime = ServiceRuntime(config: config)
        try configure(runtime)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await runtime.run() }
            do {
                let port = try await runtime.localPort()
                var configuration = HTTPClientConfiguration()
                configuration.connectTimeout = .seconds(10)  // generous: the whole test run shares two cores
                configuration.requestTimeout = .seconds(30)
                let client = try HTTPClient(
                    baseURL: "http://127.0.0.1:\(port)", configuration: configuration,
                    eventLoopGroup: runtime.eventLoopGroup, logger: runtime.logger)
                do {
                    try await body(RuntimeHarness(runtime: runtime, client: client))
                } catch {
                    await client.shutdown()
                    throw error
                }
                await client.shutdown()
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
            // The run ends on cancellation, possibly with a CancellationError; anything else is a failure.
            do { try await group.waitForAll() } catch is CancellationError {}
        }
    }

    /// GET `path`: status code and body text.
    func get(_ path: String) async throws -> (status: Int, body: String) {
        let response = try await client.execute(.GET, path)
        return (Int(response.status.code), String(buffer: response.body))
    }
}
