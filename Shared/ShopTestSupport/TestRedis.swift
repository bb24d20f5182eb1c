import Foundation

/// The Redis a suite's test runs on: a private `redis-server`, or with `SHOP_TEST_REDIS=cluster` in the environment
/// a private Redis Cluster of three primaries, each with `SHOP_TEST_REDIS_REPLICAS` replicas (0 unless set; `make test`
/// runs some suites both ways, the end-to-end suite on three primaries with one replica each).
public struct TestRedis: Sendable {
    /// `REDIS_URL` for it (several seed nodes for a cluster).
    public let url: String
    /// True for a cluster.
    public let isCluster: Bool
    /// The cluster's nodes, for tests that kill one; nil for a single server.
    public let cluster: RedisClusterTestServer?
    private let stopAll: @Sendable () -> Void

    /// True when `SHOP_TEST_REDIS=cluster` asks for clusters.
    public static let clusterRequested = ProcessInfo.processInfo.environment["SHOP_TEST_REDIS"] == "cluster"

    /// `SHOP_TEST_REDIS_REPLICAS` (0 to 2): replicas of each primary of a test cluster.
    public static let replicasRequested: Int = {
        guard clusterRequested, let text = ProcessInfo.processInfo.environment["SHOP_TEST_REDIS_REPLICAS"],
              let count = Int(text), (0...2).contains(count) else { return 0 }
        return count
    }()

    /// Starts one; a second try covers the rare free-port race between parallel tests.
    public static func start() async throws -> TestRedis {
        if clusterRequested {
            let cluster = try await RedisClusterTestServer.start(masters: 3, replicasPerMaster: replicasRequested)
            return TestRedis(url: cluster.url, isCluster: true, cluster: cluster, stopAll: { cluster.stop() })
        }
        let server: RedisTestServer
        do {
            server = try await RedisTestServer.start()
        } catch {
            server = try await RedisTestServer.start()
        }
        return TestRedis(url: server.url, isCluster: false, cluster: nil, stopAll: { server.stop() })
    }

    /// Stops every server and removes their directories.
    public func stop() {
        stopAll()
    }
}
