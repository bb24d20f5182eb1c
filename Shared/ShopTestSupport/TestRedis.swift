import Foundation

/// The Redis a suite's test runs on: a private `redis-server`, or with `SHOP_TEST_REDIS=cluster` in the environment
/// a private Redis Cluster of three primaries (`make test` runs some suites both ways).
public struct TestRedis: Sendable {
    /// `REDIS_URL` for it (several seed nodes for a cluster).
    public let url: String
    /// True for a cluster.
    public let isCluster: Bool
    private let stopAll: @Sendable () -> Void

    /// True when `SHOP_TEST_REDIS=cluster` asks for clusters.
    public static let clusterRequested = ProcessInfo.processInfo.environment["SHOP_TEST_REDIS"] == "cluster"

    /// Starts one; a second try covers the rare free-port race between parallel tests.
    public static func start() async throws -> TestRedis {
        if clusterRequested {
            let cluster = try await RedisClusterTestServer.start(masters: 3, replicasPerMaster: 0)
            return TestRedis(url: cluster.url, isCluster: true, stopAll: { cluster.stop() })
        }
        let server: RedisTestServer
        do {
            server = try await RedisTestServer.start()
        } catch {
            server = try await RedisTestServer.start()
        }
        return TestRedis(url: server.url, isCluster: false, stopAll: { server.stop() })
    }

    /// Stops every server and removes their directories.
    public func stop() {
        stopAll()
    }
}
