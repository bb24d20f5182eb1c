import ShopDomain
import ShopRedis

extension StoredEvent {
    /// Reads a stream entry of the store's layout (fields `event_id`, `entity`, …), inflating gzip entities
    /// up to `maxEntitySize`; anything malformed is a `corruptEvent` error naming the entry.
    public init(topic: Topic, action: EventAction, entryID: String, fields: [RESPValue], maxEntitySize: Int) throws {
        guard let entry = EntryID(entryID) else {
            throw EventStoreError(.corruptEvent, "bad entry id \(entryID)")
        }
        var eventID: String?, aggregateID: String?, version: Int?, occurredAt: Int64?
        var correlationID = "", encoding = "json"
        var entity: [UInt8]?
        var index = 0
        while index + 1 < fields.count {
            let value = fields[index + 1]
            switch fields[index].string {
            case "event_id": eventID = value.string
            case "entity": entity = value.bytes.map { Array($0.readableBytesView) }
            case "aggregate_id": aggregateID = value.string
            case "version": version = value.int
            case "occurred_at": occurredAt = value.string.flatMap { Int64($0) }
            case "correlation_id": correlationID = value.string ?? ""
            case "enc": encoding = value.string ?? ""
            default: break
            }
            index += 2
        }
        guard let eventID, let aggregateID, let version, let entity else {
            throw EventStoreError(.corruptEvent, "entry \(entryID) of \(topic.rawValue) lacks event_id, aggregate_id, version or entity")
        }
        let json: [UInt8]
        switch encoding {
        case "json":
            json = entity
        case "gzip":
            do {
                json = try Gzip.decompress(entity, maxOutputSize: maxEntitySize)
            } catch {
                throw EventStoreError(.corruptEvent, "entry \(entryID) of \(topic.rawValue): bad gzip entity (\(error))")
            }
        default:
            throw EventStoreError(.corruptEvent, "entry \(entryID) of \(topic.rawValue): unknown enc \(encoding)")
        }
        self.init(eventID: eventID, topic: topic, action: action, entryID: entry, aggregateID: aggregateID, version: version,
                  occurredAt: occurredAt ?? Int64(entry.milliseconds), correlationID: correlationID, entity: json)
    }

    /// Reads the entries of an XRANGE-shaped reply (`[[id, [field, value, …]], …]`) of one stream.
    static func entries(of reply: RESPValue, topic: Topic, action: EventAction, maxEntitySize: Int) throws -> [StoredEvent] {
        guard let rows = reply.array else {
            if reply.isNull { return [] }
            throw EventStoreError(.unexpectedReply, "expected stream entries, got \(reply)")
        }
        return try rows.map { row in
            guard let parts = row.array, parts.count == 2, let id = parts[0].string, let fields = parts[1].array else {
                throw EventStoreError(.corruptEvent, "malformed stream entry \(row)")
            }
            return try StoredEvent(topic: topic, action: action, entryID: id, fields: fields, maxEntitySize: maxEntitySize)
        }
    }
}
