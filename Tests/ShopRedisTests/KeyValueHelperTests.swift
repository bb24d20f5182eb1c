import NIOCore
import Testing
@testable import ShopRedis

@Suite("Typed helpers: strings, hashes, sorted sets, lists, server")
struct KeyValueHelperTests {
    @Test func strings() async throws {
        try await withRedis { (client, _) async throws in
            let key = uniqueKey()
            #expect(try await client.getString(key) == nil)
            #expect(try await client.set(key, to: "v1"))
            #expect(try await client.set(key, to: "v2", onlyIfAbsent: true) == false)
            #expect(try await client.getString(key) == "v1")
            #expect(try await client.set(key, to: RESPArgument(bytes: [0, 255]), expiresIn: .seconds(100)))
            #expect(try await client.get(key) == ByteBuffer(bytes: [0, 255]))
            let ttl = try await client.send("PTTL", RESPArgument(key)).int ?? -1
            #expect(ttl > 0 && ttl <= 100_000)
            #expect(try await client.incr(key + ":n", by: 5) == 5)
            #expect(try await client.exists(key, key + ":n", key + ":none") == 2)
            #expect(try await client.del(key, key + ":n", key + ":none") == 2)
            #expect(try await client.del([]) == 0)
        }
    }

    @Test func hashes() async throws {
        try await withRedis { (client, _) async throws in
            let key = uniqueKey()
            #expect(try await client.hgetall(key).isEmpty)
            #expect(try await client.hset(key, fields: [("name", "Ada"), ("price", 42), ("blob", RESPArgument(bytes: [1, 2]))]) == 3)
            #expect(try await client.hset(key, fields: [("name", "Grace")]) == 0)
            let all = try await client.hgetall(key)
            #expect(all.mapValues { Array($0.readableBytesView) } == ["name": Array("Grace".utf8), "price": Array("42".utf8), "blob": [1, 2]])
            #expect(try await client.hmget(key, fields: ["price", "missing", "name"]).map { $0.map { String(buffer: $0) } } == ["42", nil, "Grace"])
            #expect(try await client.hget(key, field: "name").map { String(buffer: $0) } == "Grace")
            #expect(try await client.hincrby(key, field: "price", by: -2) == 40)
            #expect(try await client.hdel(key, fields: ["blob", "missing"]) == 1)
            #expect(try await client.hlen(key) == 2)
            _ = try await client.set(key + ":s", to: "x")
            await #expect { try await client.hgetall(key + ":s") } throws: { ($0 as? RedisServerError)?.prefix == "WRONGTYPE" }
        }
    }

    @Test func sortedSets() async throws {
        try await withRedis { (client, _) async throws in
            let key = uniqueKey()
            #expect(try await client.zadd(key, members: [(2, "b"), (1, "a"), (3.5, "c")]) == 3)
            #expect(try await client.zadd(key, members: [(0, "a"), (9, "z")], onlyNew: true) == 1)
            #expect(try await client.zrange(key).map { String(buffer: $0) } == ["a", "b", "c", "z"])
            #expect(try await client.zrange(key, start: -2).map { String(buffer: $0) } == ["c", "z"])
            let scored = try await client.zrangeWithScores(key, start: 0, stop: 1)
            #expect(scored.map { String(buffer: $0.member) } == ["a", "b"] && scored.map(\.score) == [1, 2])
            #expect(try await client.zscore(key, member: "c") == 3.5)
            #expect(try await client.zscore(key, member: "nope") == nil)
            #expect(try await client.zrem(key, members: ["a", "nope"]) == 1)
            #expect(try await client.zcard(key) == 3)
        }
    }

    @Test func lists() async throws {
        try await withRedis { (client, _) async throws in
            let key = uniqueKey()
            #expect(try await client.rpush(key, values: ["b", "c"]) == 2)
            #expect(try await client.lpush(key, values: ["a"]) == 3)
            #expect(try await client.lrange(key).map { String(buffer: $0) } == ["a", "b", "c"])
            #expect(try await client.llen(key) == 3)
            #expect(try await client.lpop(key).map { String(buffer: $0) } == "a")
            #expect(try await client.lpop(key + ":none") == nil)
        }
    }

    @Test func serverHelpers() async throws {
        try await withRedis { (client, _) async throws in
            let prefix = uniqueKey()
            for index in 0..<30 { _ = try await client.set("\(prefix):s\(index)", to: "x") }
            _ = try await client.xadd("\(prefix):stream", fields: [("f", "v")])
            _ = try await client.hset("\(prefix):hash", fields: [("f", "v")])
            #expect(try await client.scanAll(match: "\(prefix):*", count: 5).count == 32)
            #expect(try await client.scanAll(match: "\(prefix):*", type: "stream") == ["\(prefix):stream"])
            let first = try await client.scan(match: "\(prefix):*", count: 1)
            #expect(!first.cursor.isEmpty)
            #expect(try await client.memoryUsage("\(prefix):hash") ?? 0 > 0)
            #expect(try await client.memoryUsage("\(prefix):none") == nil)
            let info = try await client.info("server")
            #expect(info["redis_version"]?.isEmpty == false)
            #expect(info["tcp_port"].flatMap(Int.init) != nil)
        }
    }
}
