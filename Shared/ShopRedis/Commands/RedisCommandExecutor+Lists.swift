import NIOCore

extension RedisCommandExecutor {
    /// `RPUSH`: appends values; returns the new length.
    @discardableResult
    nonisolated(nonsending) public func rpush(_ key: String, values: [RESPArgument]) async throws -> Int {
        try await send([RESPArgument("RPUSH"), RESPArgument(key)] + values).intValue("RPUSH")
    }

    /// `LPUSH`: prepends values; returns the new length.
    @discardableResult
    nonisolated(nonsending) public func lpush(_ key: String, values: [RESPArgument]) async throws -> Int {
        try await send([RESPArgument("LPUSH"), RESPArgument(key)] + values).intValue("LPUSH")
    }

    /// `LRANGE` (inclusive; negative counts from the end).
    nonisolated(nonsending) public func lrange(_ key: String, start: Int = 0, stop: Int = -1) async throws -> [ByteBuffer] {
        try await send("LRANGE", RESPArgument(key), RESPArgument(start), RESPArgument(stop)).arrayValue("LRANGE").map {
            guard let bytes = $0.bytes else { throw RedisClientError.unexpected($0, for: "LRANGE") }
            return bytes
        }
    }

    /// `LLEN`: the list's length.
    nonisolated(nonsending) public func llen(_ key: String) async throws -> Int {
        try await send("LLEN", RESPArgument(key)).intValue("LLEN")
    }

    /// `LPOP`: the first element, nil when empty.
    nonisolated(nonsending) public func lpop(_ key: String) async throws -> ByteBuffer? {
        try await send("LPOP", RESPArgument(key)).bytes
    }
}
