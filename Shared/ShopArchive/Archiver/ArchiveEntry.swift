import ShopEventStore
import ShopRedis

/// One stream entry read for archiving, its fields kept as Redis sent them (no copy before decoding).
struct ArchiveEntry: Sendable {
    var stream: EventStreamID
    var id: String
    /// Field/value pairs, flat; nil for an entry deleted while it was pending.
    var fields: [RESPValue]?

    /// The entries of an XREADGROUP reply: RESP2 `[[key, entries], …]` or a RESP3 map; null (timeout) is none.
    static func read(_ reply: RESPValue, streams: [String: EventStreamID]) -> [ArchiveEntry] {
        switch reply {
        case .map(let map):
            return map.flatMap { key, value in key.string.flatMap { streams[$0] }.map { entries(value, of: $0) } ?? [] }
        case .array(let results):
            return results.flatMap { result -> [ArchiveEntry] in
                guard let pair = result.array, pair.count == 2, let key = pair[0].string, let stream = streams[key] else { return [] }
                return entries(pair[1], of: stream)
            }
        default:
            return []
        }
    }

    /// The entries of one stream's list `[[id, [field, value, …]], …]`.
    static func entries(_ value: RESPValue, of stream: EventStreamID) -> [ArchiveEntry] {
        (value.array ?? []).compactMap { entry in
            guard let parts = entry.array, let id = parts.first?.string else { return nil }
            return ArchiveEntry(stream: stream, id: id, fields: parts.count > 1 ? parts[1].array : nil)
        }
    }

    /// The fields as command arguments (for the dead-letter copy).
    var arguments: [RESPArgument] {
        (fields ?? []).map { value in value.bytes.map { RESPArgument($0) } ?? RESPArgument(value.string ?? "") }
    }
}
