import NIOCore
import Testing
@testable import ShopRedis

@Suite("Typed helpers: streams")
struct StreamHelperTests {
    @Test func addRangeTrimAndDelete() async throws {
        try await withRedis { (client, _) async throws in
            let key = uniqueKey()
            var ids: [String] = []
            for index in 1...10 {
                ids.append(try await client.xadd(key, fields: [("n", RESPArgument(index)), ("blob", RESPArgument(bytes: [0, 10, 13]))]))
            }
            #expect(try await client.xadd(key, id: "9999999999999-5", fields: [("n", 11)]) == "9999999999999-5")
            await #expect { try await client.xadd(key, id: "1-1", fields: [("n", 0)]) } throws: { $0 is RedisServerError }
            await #expect { try await client.xadd(key, fields: []) } throws: { ($0 as? RedisClientError)?.code == .invalidArgument }
            await #expect { try await client.xadd(key, fields: [("a", "b")], maxLen: 1, minID: "0") } throws: { ($0 as? RedisClientError)?.code == .invalidArgument }
            #expect(try await client.xlen(key) == 11)
            let all = try await client.xrange(key)
            #expect(all.map(\.id) == ids + ["9999999999999-5"])
            #expect(all[0].string("n") == "1" && all[0]["blob"] == ByteBuffer(bytes: [0, 10, 13]))
            #expect(try await client.xrange(key, start: ids[2], end: ids[4]).map(\.id) == Array(ids[2...4]))
            #expect(try await client.xrange(key, count: 2).map(\.id) == Array(ids[0...1]))
            #expect(try await client.xrevrange(key, count: 2).map(\.id) == ["9999999999999-5", ids[9]])
            #expect(try await client.xdel(key, ids: [ids[0], "1-0"]) == 1)
            #expect(try await client.xtrim(key, maxLen: 5) == 5)
            #expect(try await client.xrange(key).map(\.id) == Array(ids[6...9]) + ["9999999999999-5"])
            #expect(try await client.xtrim(key, minID: ids[8]) == 2)
            #expect(try await client.xlen(key) == 3)
            _ = try await client.xadd(key, fields: [("n", 12)], minID: "9999999999999-5", approximate: false)
            #expect(try await client.xlen(key) == 2, "MINID on XADD drops older entries")
            _ = try await client.xadd(key, fields: [("n", 13)], maxLen: 1, approximate: false)
            #expect(try await client.xlen(key) == 1, "MAXLEN on XADD caps the stream")
            #expect(try await client.xrange(key + ":none").isEmpty)
            #expect(try await client.xlen(key + ":none") == 0)
        }
    }

    @Test func readWithAndWithoutBlocking() async throws {
        try await withRedis { (client, _) async throws in
            let key = uniqueKey()
            let first = try await client.xadd(key, fields: [("n", 1)])
            let read = try await client.xread(streams: [(key, "0")])
            #expect(read == [StreamReadResult(stream: key, entries: try await client.xrange(key))])
            #expect(try await client.xread(streams: [(key, first)]).isEmpty, "nothing after the last id")
            #expect(try await client.xread(streams: [(key, "$")], block: .milliseconds(50)).isEmpty, "a timed-out block is empty")
            try await withThrowingTaskGroup(of: [StreamReadResult].self) { group in
                group.addTask { try await client.xread(streams: [(key, first)], block: .zero) }
                // The reader blocks on a dedicated connection, so this XADD is not stuck behind it.
                #expect(await eventually { ((try? await client.info("clients")["blocked_clients"]) ?? "") == "1" })
                let second = try await client.xadd(key, fields: [("n", 2)])
                let result = try await group.next()!
                #expect(result.first?.entries.map(\.id) == [second])
            }
        }
    }

    @Test func infoStream() async throws {
        try await withRedis { (client, _) async throws in
            let key = uniqueKey()
            let first = try await client.xadd(key, fields: [("n", 1)])
            let last = try await client.xadd(key, fields: [("n", 2)])
            _ = try await client.xgroupCreate(key, group: "g")
            let info = try await client.xinfoStream(key)
            #expect(info.length == 2 && info.groups == 1 && info.lastGeneratedID == last && info.entriesAdded == 2)
            #expect(info.firstEntry?.id == first && info.lastEntry?.string("n") == "2")
            await #expect { try await client.xinfoStream(key + ":none") } throws: { ($0 as? RedisServerError)?.prefix == "ERR" }
        }
    }
}
