import NIOCore
import Testing
@testable import ShopRedis

@Suite("Typed helpers: consumer groups")
struct StreamGroupHelperTests {
    @Test func createReadAcknowledgeAndInspect() async throws {
        try await withRedis { (client, _) async throws in
            let key = uniqueKey()
            #expect(try await client.xgroupCreate(key, group: "g", id: "0", mkstream: true))
            #expect(try await client.xgroupCreate(key, group: "g", id: "0", mkstream: true) == false, "BUSYGROUP is tolerated")
            await #expect { try await client.xgroupCreate(key + ":none", group: "g", mkstream: false) } throws: { $0 is RedisServerError }
            let ids = [try await client.xadd(key, fields: [("n", 1)]), try await client.xadd(key, fields: [("n", 2)]),
                       try await client.xadd(key, fields: [("n", 3)])]

            let delivered = try await client.xreadgroup(group: "g", consumer: "c1", streams: [(key, ">")], count: 2)
            #expect(delivered.first?.entries.map(\.id) == Array(ids[0...1]))
            #expect(try await client.xreadgroup(group: "g", consumer: "c2", streams: [(key, ">")]).first?.entries.map(\.id) == [ids[2]])
            #expect(try await client.xreadgroup(group: "g", consumer: "c2", streams: [(key, ">")], block: .milliseconds(20)).isEmpty)
            // A consumer re-reads its own pending entries with id 0.
            #expect(try await client.xreadgroup(group: "g", consumer: "c1", streams: [(key, "0")]).first?.entries.map(\.id) == Array(ids[0...1]))

            let summary = try await client.xpending(key, group: "g")
            #expect(summary == StreamPendingSummary(count: 3, smallestID: ids[0], largestID: ids[2], consumers: ["c1": 2, "c2": 1]))
            let pending = try await client.xpending(key, group: "g", count: 10, consumer: "c1")
            #expect(pending.map(\.id) == Array(ids[0...1]) && pending.allSatisfy { $0.consumer == "c1" && $0.deliveryCount == 2 })
            #expect(try await client.xpending(key, group: "g", count: 10, minIdle: .seconds(3600)).isEmpty)

            #expect(try await client.xack(key, group: "g", ids: [ids[0], ids[0]]) == 1)
            #expect(try await client.xack(key, group: "g", ids: []) == 0)
            #expect(try await client.xpending(key, group: "g").count == 2)

            let groups = try await client.xinfoGroups(key)
            #expect(groups == [StreamGroupInfo(name: "g", consumers: 2, pending: 2, lastDeliveredID: ids[2], lag: 0)])
            let consumers = try await client.xinfoConsumers(key, group: "g")
            #expect(consumers.map(\.name).sorted() == ["c1", "c2"] && consumers.map(\.pending).reduce(0, +) == 2)
            #expect(try await client.xgroupDestroy(key, group: "g"))
            #expect(try await client.xinfoGroups(key).isEmpty)
        }
    }

    @Test func claimAndAutoclaimIdleEntries() async throws {
        try await withRedis { (client, _) async throws in
            let key = uniqueKey()
            _ = try await client.xgroupCreate(key, group: "g", id: "0")
            let ids = [try await client.xadd(key, fields: [("n", 1)]), try await client.xadd(key, fields: [("n", 2)]),
                       try await client.xadd(key, fields: [("n", 3)])]
            _ = try await client.xreadgroup(group: "g", consumer: "dead", streams: [(key, ">")])
            // Not idle long enough yet: nothing moves.
            #expect(try await client.xclaim(key, group: "g", consumer: "alive", minIdle: .seconds(3600), ids: ids).isEmpty)
            let claimed = try await client.xclaim(key, group: "g", consumer: "alive", minIdle: .zero, ids: [ids[0]])
            #expect(claimed.map(\.id) == [ids[0]] && claimed[0].string("n") == "1")
            // An entry deleted while pending is reported by XAUTOCLAIM and dropped from the PEL.
            _ = try await client.xdel(key, ids: [ids[1]])
            let auto = try await client.xautoclaim(key, group: "g", consumer: "alive", minIdle: .zero, count: 10)
            #expect(auto.nextStart == "0-0")
            #expect(auto.entries.map(\.id) == [ids[0], ids[2]])
            #expect(auto.deletedIDs == [ids[1]])
            #expect(try await client.xpending(key, group: "g").consumers == ["alive": 2])
            #expect(try await client.xclaim(key, group: "g", consumer: "x", minIdle: .zero, ids: []).isEmpty)
        }
    }

    @Test func pendingReadShowsDeletedEntries() async throws {
        try await withRedis { (client, _) async throws in
            let key = uniqueKey()
            _ = try await client.xgroupCreate(key, group: "g", id: "0")
            let id = try await client.xadd(key, fields: [("n", 1)])
            _ = try await client.xreadgroup(group: "g", consumer: "c", streams: [(key, ">")])
            _ = try await client.xdel(key, ids: [id])
            let pending = try await client.xreadgroup(group: "g", consumer: "c", streams: [(key, "0")])
            #expect(pending.first?.entries == [StreamEntry(id: id, fields: [], isDeleted: true)])
        }
    }
}
