import NIOCore
import ShopRedis
import ShopTestSupport
import Testing

/// One real 3+3 cluster for a whole suite: started before its first test, stopped after its last.
struct SharedRedisCluster: SuiteTrait, TestScoping {
    @TaskLocal static var current: RedisClusterTestServer?

    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let cluster = try await RedisClusterTestServer.start()
        defer { cluster.stop() }
        try await Self.$current.withValue(cluster) { try await function() }
    }
}

extension Trait where Self == SharedRedisCluster {
    /// Runs the suite's tests on one shared `RedisClusterTestServer` (`SharedRedisCluster.current`).
    static var sharedRedisCluster: Self { Self() }
}

/// A running cluster-mode `RedisClient` on `cluster` (the suite's shared one by default) for `body`.
func withClusterClient(
    _ cluster: RedisClusterTestServer? = nil,
    configure: (inout RedisConfiguration) -> Void = { _ in },
    _ body: (RedisClient, RedisClusterTestServer) async throws -> Void
) async throws {
    let cluster = try #require(cluster ?? SharedRedisCluster.current, "no cluster: use the .sharedRedisCluster trait")
    var configuration = try RedisConfiguration(url: cluster.url)
    configuration.connectTimeout = .seconds(30)
    configuration.commandTimeout = .seconds(30)
    configure(&configuration)
    let client = RedisClient(configuration: configuration, logger: testLogger)
    #expect(client.isCluster)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await client.run() }
        defer { group.cancelAll() }
        try await body(client, cluster)
    }
}
