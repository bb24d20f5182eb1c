import Testing
@testable import ShopRedis

@Suite("Routing commands by their keys")
struct RedisCommandRouteTests {
    let order = RedisHashSlot(key: "order")

    @Test func singleKeyCommandsGoToTheirKeysSlot() {
        #expect(RedisCommandRoute(["GET", "{order}_x"]) == .slot(order))
        #expect(RedisCommandRoute(["xadd", "events:{order}_created", "*", "a", "b"]) == .slot(order))
        #expect(RedisCommandRoute(["XINFO", "STREAM", "events:{order}_created"]) == .slot(order))
        #expect(RedisCommandRoute(["XGROUP", "CREATE", "events:{order}_created", "g", "$"]) == .slot(order))
    }

    @Test func scriptsRouteByTheirDeclaredKeys() {
        #expect(RedisCommandRoute(["EVALSHA", "abc", "2", "{order}_ids", "events:{order}_created", "arg"]) == .slot(order))
        #expect(RedisCommandRoute(["EVALSHA", "abc", "0", "arg"]) == .anyNode)
        #expect(RedisCommandRoute(["EVALSHA", "abc", "2", "{order}_ids", "{inventory}_ids"]) == .crossSlot(["{order}_ids", "{inventory}_ids"]))
    }

    @Test func streamReadsRouteByEveryStream() {
        #expect(RedisCommandRoute(["XREADGROUP", "GROUP", "g", "c", "COUNT", "10", "BLOCK", "100", "STREAMS",
                                   "events:{order}_created", "events:{order}_deleted", ">", ">"]) == .slot(order))
        #expect(RedisCommandRoute(["XREAD", "STREAMS", "events:{order}_created", "events:{customer}_created", "0", "0"])
                == .crossSlot(["events:{order}_created", "events:{customer}_created"]))
    }

    @Test func multiKeyCommandsMustShareASlot() {
        #expect(RedisCommandRoute(["DEL", "{order}_a", "{order}_b"]) == .slot(order))
        #expect(RedisCommandRoute(["MSET", "{order}_a", "1", "{order}_b", "2"]) == .slot(order))
        #expect(RedisCommandRoute(["MGET", "a", "b"]) == .crossSlot(["a", "b"]))
    }

    @Test func keylessAndFanOutCommands() {
        #expect(RedisCommandRoute(["PING"]) == .anyNode)
        #expect(RedisCommandRoute(["CLUSTER", "SHARDS"]) == .anyNode)
        #expect(RedisCommandRoute(["INFO", "memory"]) == .anyNode)
        #expect(RedisCommandRoute(["SCRIPT", "LOAD", "return 1"]) == .allPrimaries)
        #expect(RedisCommandRoute(["FLUSHALL"]) == .allPrimaries)
        // One node's keys only: refused on a cluster rather than silently partial.
        #expect(RedisCommandRoute(["SCAN", "0", "MATCH", "events:*"]) == .oneNodeOnly)
        #expect(RedisCommandRoute(["DBSIZE"]) == .oneNodeOnly)
        #expect(RedisCommandRoute(["keys", "*"]) == .oneNodeOnly)
    }

    @Test func aPipelineIsSplitByNodeInTheCallersOrder() {
        let a = RedisNodeAddress(host: "127.0.0.1", port: 7000), b = RedisNodeAddress(host: "127.0.0.1", port: 7001)
        let topology = RedisClusterTopology(shards: [.init(slots: [0...8191], primary: a), .init(slots: [8192...16383], primary: b)])
        let hello = RedisHashSlot(key: "hello"), foo = RedisHashSlot(key: "foo")   // 866 on a, 12182 on b
        let plan = RedisClusterPipelinePlan(slots: [foo, hello, nil, foo, hello, hello], isolated: [false, false, false, false, false, true],
                                            topology: topology)
        #expect(plan.batches.map(\.node) == [b, a])
        #expect(plan.batches.map(\.indices) == [[0, 2, 3], [1, 4]])
    }
}
