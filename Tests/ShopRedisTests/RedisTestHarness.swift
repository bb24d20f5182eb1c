import Logging
import NIOCore
import NIOPosix
import ShopRedis
import ShopTestSupport
import Testing

/// A logger for tests: quiet unless something is wrong.
let testLogger: Logger = {
    var logger = Logger(label: "shop-redis-tests")
    logger.logLevel = .critical
    return logger
}()

/// Starts a private redis-server and a running `RedisClient` on it, runs `body`, then shuts both down.
func withRedis(
    _ options: RedisTestServer.Options = RedisTestServer.Options(),
    configure: (inout RedisConfiguration) -> Void = { _ in },
    _ body: (RedisClient, RedisTestServer) async throws -> Void
) async throws {
    let server = try await RedisTestServer.start(options)
    defer { server.stop() }
    var configuration = try RedisConfiguration(url: server.url)
    // Margins for a loaded 2-core machine (tests that time out on purpose set their own).
    configuration.connectTimeout = .seconds(30)
    configuration.commandTimeout = .seconds(30)
    configure(&configuration)
    let client = RedisClient(configuration: configuration, logger: testLogger)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await client.run() }
        defer { group.cancelAll() }
        try await body(client, server)
    }
}

/// A key no other test uses.
func uniqueKey(_ name: String = #function) -> String {
    "test:\(name.prefix { $0 != "(" }):\(UInt64.random(in: 0...UInt64.max))"
}

/// Polls `condition` until it holds or `timeout` passes; for waiting on the outside world without fixed sleeps.
func eventually(timeout: Duration = .seconds(20), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}
