/// The entries one stream returned to `XREAD` or `XREADGROUP`.
public struct StreamReadResult: Sendable, Equatable {
    /// The stream's key.
    public var stream: String
    /// Its entries, oldest first.
    public var entries: [StreamEntry]

    /// A result for one stream.
    public init(stream: String, entries: [StreamEntry]) {
        self.stream = stream
        self.entries = entries
    }

    /// Parses `[[key, [entry, …]], …]` (RESP2) or a map of key to entries (RESP3); null (timeout) is empty.
    static func list(_ reply: RESPValue, command: String) throws -> [StreamReadResult] {
        if reply.isNull { return [] }
        if case .map(let map) = reply {
            return try map.map { key, entries in
                guard let stream = key.string else { throw RedisClientError.unexpected(reply, for: command) }
                return StreamReadResult(stream: stream, entries: try StreamEntry.list(entries, command: command))
            }
        }
        return try reply.arrayValue(command).map { item in
            guard let pair = item.array, pair.count == 2, let stream = pair[0].string else {
                throw RedisClientError.unexpected(reply, for: command)
            }
            return StreamReadResult(stream: stream, entries: try StreamEntry.list(pair[1], command: command))
        }
    }
}
