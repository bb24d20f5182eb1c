import NIOCore

extension RedisCommandExecutor {
    /// `ZADD`: adds or rescores members; returns how many were new.
    @discardableResult
    nonisolated(nonsending) public func zadd(_ key: String, members: [(score: Double, member: RESPArgument)], onlyNew: Bool = false) async throws -> Int {
        var command: [RESPArgument] = ["ZADD", RESPArgument(key)]
        if onlyNew { command.append("NX") }
        for (score, member) in members {
            command.append(RESPArgument(score))
            command.append(member)
        }
        return try await send(command).intValue("ZADD")
    }

    /// `ZRANGE` by rank (inclusive; negative counts from the end): members in score order.
    nonisolated(nonsending) public func zrange(_ key: String, start: Int = 0, stop: Int = -1) async throws -> [ByteBuffer] {
        try await send("ZRANGE", RESPArgument(key), RESPArgument(start), RESPArgument(stop)).arrayValue("ZRANGE").map {
            guard let bytes = $0.bytes else { throw RedisClientError.unexpected($0, for: "ZRANGE") }
            return bytes
        }
    }

    /// `ZRANGE … WITHSCORES`: members with their scores, in score order.
    nonisolated(nonsending) public func zrangeWithScores(_ key: String, start: Int = 0, stop: Int = -1) async throws -> [(member: ByteBuffer, score: Double)] {
        let reply = try await send("ZRANGE", RESPArgument(key), RESPArgument(start), RESPArgument(stop), "WITHSCORES")
        let flat = try reply.arrayValue("ZRANGE")
        guard flat.count % 2 == 0 else { throw RedisClientError.unexpected(reply, for: "ZRANGE") }
        return try stride(from: 0, to: flat.count, by: 2).map {
            guard let member = flat[$0].bytes, let score = flat[$0 + 1].double else { throw RedisClientError.unexpected(reply, for: "ZRANGE") }
            return (member, score)
        }
    }

    /// `ZSCORE`: the member's score, nil when absent.
    nonisolated(nonsending) public func zscore(_ key: String, member: RESPArgument) async throws -> Double? {
        let reply = try await send("ZSCORE", RESPArgument(key), member)
        return reply.isNull ? nil : reply.double
    }

    /// `ZREM`: how many members were removed.
    @discardableResult
    nonisolated(nonsending) public func zrem(_ key: String, members: [RESPArgument]) async throws -> Int {
        try await send([RESPArgument("ZREM"), RESPArgument(key)] + members).intValue("ZREM")
    }

    /// `ZCARD`: the number of members.
    nonisolated(nonsending) public func zcard(_ key: String) async throws -> Int {
        try await send("ZCARD", RESPArgument(key)).intValue("ZCARD")
    }
}
