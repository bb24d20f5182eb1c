@testable import ShopEventStore
import ShopRedis
import Testing

@Suite("The store wraps Redis failures in its own errors")
struct StoreRedisTests {
    static func code(_ error: any Error) -> EventStoreError.Code? {
        (StoreRedis.translate(error) as? EventStoreError)?.code
    }

    @Test("client failures: away is unavailable, a lost answer an unknown outcome; error replies by meaning")
    func translation() {
        #expect(Self.code(RedisClientError(.unavailable, "down")) == .unavailable)
        #expect(Self.code(RedisClientError(.shutdown, "stopping")) == .unavailable)
        #expect(Self.code(RedisClientError(.connectionClosed, "maybe ran")) == .outcomeUnknown)
        #expect(Self.code(RedisClientError(.timeout, "maybe ran")) == .outcomeUnknown)
        #expect(Self.code(RedisClientError(.notReplicated, "0 of 1 replica(s)")) == .notReplicated)
        #expect(Self.code(RedisClientError(.protocolError, "junk")) == .unexpectedReply)
        for prefix in ["LOADING", "BUSY", "MASTERDOWN", "READONLY", "OOM", "TRYAGAIN", "CLUSTERDOWN"] {
            #expect(Self.code(RedisServerError(prefix: prefix, message: "not now")) == .unavailable)
        }
        #expect(Self.code(RedisServerError(prefix: "OUTOFSTOCK", message: "p1")) == .outOfStock(productID: "p1"))
        #expect(Self.code(RedisServerError(prefix: "WRONGTYPE", message: "x")) == .refused(prefix: "WRONGTYPE"))
        // evalSHA loads a script on NOSCRIPT, so that one passes unchanged.
        #expect(StoreRedis.translate(RedisServerError(prefix: "NOSCRIPT", message: "x")) is RedisServerError)
    }
}
