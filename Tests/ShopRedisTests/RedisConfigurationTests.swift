import Testing
@testable import ShopRedis

@Suite("Configuration from REDIS_URL")
struct RedisConfigurationTests {
    @Test func parsesEveryPart() throws {
        let full = try RedisConfiguration(url: "redis://app:p%40ss@cache.internal:6380/2")
        #expect(full.host == "cache.internal")
        #expect(full.port == 6380)
        #expect(full.username == "app")
        #expect(full.password == "p@ss")
        #expect(full.database == 2)
        let bare = try RedisConfiguration(url: "redis://localhost")
        #expect(bare.port == 6379 && bare.database == 0 && bare.password == nil && bare.username == nil)
        let passwordOnly = try RedisConfiguration(url: "redis://:secret@127.0.0.1:7000/")
        #expect(passwordOnly.username == nil && passwordOnly.password == "secret" && passwordOnly.port == 7000)
        let ipv6 = try RedisConfiguration(url: "redis://[::1]:6390")
        #expect(ipv6.host == "::1" && ipv6.port == 6390)
    }

    @Test func severalNodesSelectClusterMode() throws {
        let cluster = try RedisConfiguration(url: "redis://:pw@127.0.0.1:7000,127.0.0.1:7001,[::1]:7002,cache")
        #expect(cluster.isCluster)
        #expect(cluster.clusterSeeds == [RedisNodeAddress(host: "127.0.0.1", port: 7000), RedisNodeAddress(host: "127.0.0.1", port: 7001),
                                         RedisNodeAddress(host: "::1", port: 7002), RedisNodeAddress(host: "cache", port: 6379)])
        #expect(cluster.host == "127.0.0.1" && cluster.port == 7000 && cluster.password == "pw")
        #expect(try !RedisConfiguration(url: "redis://127.0.0.1:7000").isCluster)
    }

    @Test(arguments: ["redis://a:7000,,b:7001", "redis://a:7000,", "redis://a:7000,a:7000", "redis://a:7000,b:7001/2",
                      "redis://a:7000,b:notaport"])
    func rejectsMalformedClusterURLs(url: String) {
        #expect { try RedisConfiguration(url: url) } throws: { ($0 as? RedisClientError)?.code == .invalidConfiguration }
    }

    @Test(arguments: ["http://localhost", "redis://", "redis://host:0", "redis://host:99999", "redis://host:abc",
                      "redis://host/-1", "redis://host/x", "redis://[::1", "redis://u:%zz@host"])
    func rejectsBadURLsClearly(url: String) {
        #expect { try RedisConfiguration(url: url) } throws: { ($0 as? RedisClientError)?.code == .invalidConfiguration }
    }

    @Test func errorsDoNotLeakThePassword() {
        do {
            _ = try RedisConfiguration(url: "redis://user:hunter2@host:bad")
            Issue.record("must throw")
        } catch {
            #expect(!"\(error)".contains("hunter2"))
        }
    }
}
