import NIOCore

extension RedisCommandExecutor {
    /// `HSET`: sets fields; returns how many were new.
    @discardableResult
    nonisolated(nonsending) public func hset(_ key: String, fields: [(String, RESPArgument)]) async throws -> Int {
        var command: [RESPArgument] = ["HSET", RESPArgument(key)]
        command.append(pairs: fields)
        return try await send(command).intValue("HSET")
    }

    /// `HGET`: one field's bytes, nil when absent.
    nonisolated(nonsending) public func hget(_ key: String, field: String) async throws -> ByteBuffer? {
        try await send("HGET", RESPArgument(key), RESPArgument(field)).bytes
    }

    /// `HGETALL`: every field of the hash (empty when the key does not exist).
    nonisolated(nonsending) public func hgetall(_ key: String) async throws -> [String: ByteBuffer] {
        let reply = try await send("HGETALL", RESPArgument(key))
        var result: [String: ByteBuffer] = [:]
        for (field, value) in try reply.dictionary("HGETALL") {
            guard let bytes = value.bytes else { throw RedisClientError.unexpected(reply, for: "HGETALL") }
            result[field] = bytes
        }
        return result
    }

    /// `HMGET`: the fields' values in the order asked, nil for absent ones.
    nonisolated(nonsending) public func hmget(_ key: String, fields: [String]) async throws -> [ByteBuffer?] {
        guard !fields.isEmpty else { return [] }
        let reply = try await send([RESPArgument("HMGET"), RESPArgument(key)] + fields.map { RESPArgument($0) })
        return try reply.arrayValue("HMGET").map { $0.bytes }
    }

    /// `HDEL`: how many fields were removed.
    @discardableResult
    nonisolated(nonsending) public func hdel(_ key: String, fields: [String]) async throws -> Int {
        try await send([RESPArgument("HDEL"), RESPArgument(key)] + fields.map { RESPArgument($0) }).intValue("HDEL")
    }

    /// `HLEN`: the number of fields.
    nonisolated(nonsending) public func hlen(_ key: String) async throws -> Int {
        try await send("HLEN", RESPArgument(key)).intValue("HLEN")
    }

    /// `HINCRBY`: the field's new value.
    @discardableResult
    nonisolated(nonsending) public func hincrby(_ key: String, field: String, by amount: Int) async throws -> Int {
        try await send("HINCRBY", RESPArgument(key), RESPArgument(field), RESPArgument(amount)).intValue("HINCRBY")
    }
}
