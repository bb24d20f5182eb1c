import NIOCore

/// One stream entry: its id and field/value pairs in the order they were added.
public struct StreamEntry: Sendable, Equatable {
    /// The entry id, `<milliseconds>-<sequence>`.
    public var id: String
    /// Field/value pairs; empty for an entry deleted while pending (`isDeleted`).
    public var fields: [(name: String, value: ByteBuffer)]
    /// True when the entry was deleted (XDEL/XTRIM) but still listed as pending for a consumer.
    public var isDeleted: Bool

    /// An entry with the given id and fields.
    public init(id: String, fields: [(name: String, value: ByteBuffer)], isDeleted: Bool = false) {
        self.id = id
        self.fields = fields
        self.isDeleted = isDeleted
    }

    /// The first value of a field, nil when absent.
    public subscript(field: String) -> ByteBuffer? {
        fields.first { $0.name == field }?.value
    }

    /// The first value of a field as UTF-8 text.
    public func string(_ field: String) -> String? {
        self[field].map { String(buffer: $0) }
    }

    public static func == (lhs: StreamEntry, rhs: StreamEntry) -> Bool {
        lhs.id == rhs.id && lhs.isDeleted == rhs.isDeleted && lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// Parses `[id, [field, value, …]]`; a nil field list marks a deleted entry.
    init(reply: RESPValue, command: String) throws {
        guard let parts = reply.array, parts.count == 2, let id = parts[0].string else {
            throw RedisClientError.unexpected(reply, for: command)
        }
        self.id = id
        if parts[1].isNull {
            fields = []
            isDeleted = true
            return
        }
        guard let flat = parts[1].array, flat.count % 2 == 0 else { throw RedisClientError.unexpected(reply, for: command) }
        var fields: [(name: String, value: ByteBuffer)] = []
        fields.reserveCapacity(flat.count / 2)
        for index in stride(from: 0, to: flat.count, by: 2) {
            guard let name = flat[index].string, let value = flat[index + 1].bytes else {
                throw RedisClientError.unexpected(reply, for: command)
            }
            fields.append((name, value))
        }
        self.fields = fields
        isDeleted = false
    }

    static func list(_ reply: RESPValue, command: String) throws -> [StreamEntry] {
        try reply.arrayValue(command).map { try StreamEntry(reply: $0, command: command) }
    }
}
