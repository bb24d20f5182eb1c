import Logging
import ShopDomain
import ShopEventStore
import ShopRedis
import Testing

@Suite("Which streams a reader reads in one XREADGROUP")
struct ReadTogetherTests {
    static let streams = EventStreamID.all(of: [.customer, .order])

    @Test("a single server: every stream together, as before")
    func singleServerReadsEverythingTogether() throws {
        let redis = RedisClient(configuration: try RedisConfiguration(url: "redis://127.0.0.1:6379"), logger: StoreHarness.logger)
        #expect(EventStreamID.readTogether(Self.streams, on: redis) == [Self.streams])
        #expect(EventStreamID.readTogether([], on: redis).isEmpty)
    }

    @Test("a cluster: one share per topic (one hash slot), in the order given, so no read spans slots")
    func clusterReadsEachTopicApart() throws {
        let redis = RedisClient(configuration: try RedisConfiguration(url: "redis://127.0.0.1:7000,127.0.0.1:7001"), logger: StoreHarness.logger)
        let shares = EventStreamID.readTogether(Self.streams, on: redis)
        #expect(shares == [EventStreamID.all(of: [.customer]), EventStreamID.all(of: [.order])])
        for share in shares {
            #expect(Set(share.map { RedisHashSlot(key: $0.key) }).count == 1)
        }
    }
}
