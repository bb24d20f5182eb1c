import Logging
import ShopPostgres
import ShopTestSupport

/// A fresh database on the process-wide test cluster, and a client on it that is closed after `body`.
func withTestClient<Result>(
    poolSize: Int = 4, _ body: (PostgresClient, PostgresConfiguration) async throws -> Result
) async throws -> Result {
    let server = try await PostgresTestServer.shared()
    let url = try await server.createDatabase(prefix: "shoppg")
    let configuration = try PostgresConfiguration(url: url, poolSize: poolSize)
    return try await withClient(configuration, { try await body($0, configuration) })
}

/// A client on `configuration` that is closed after `body`, whether it succeeds or throws.
func withClient<Result>(_ configuration: PostgresConfiguration, _ body: (PostgresClient) async throws -> Result) async throws -> Result {
    let client = PostgresClient(configuration: configuration, logger: Logger(label: "test.postgres"))
    do {
        let result = try await body(client)
        await client.close()
        return result
    } catch {
        await client.close()
        throw error
    }
}
