import ShopDomain
import NIOCore
import ShopRedis

extension StoredEvent {
    /// Reads a stream entry of the store's layout (fields `event_id`, `entity`, …), inflating gzip entities
    /// up to `maxEntitySize`; anything malformed is a `corruptEvent` error naming the entry.
    public init(topic: Topic, action: EventAction, entryID: String, fields: [RESPValue], maxEntitySize: Int) throws {
        guard let entry = EntryID(entryID) else {
            throw EventStoreError(.corruptEvent, "bad entry id \(entryID)")
        }
        var eventID: String?, aggregateID: String?, version: Int?, occurredAt: Int64?
        var correlationID = "", causationID = "", traceParent = "", encoding = "json"
        var entity: [UInt8]?
        var index = 0
        while index + 1 < fields.count {
            let value = fields[index + 1]
            switch fields[index].bytes.flatMap(Self.field(named:)) {
            case .eventID: eventID = value.string
            case .entity: entity = value.bytes.map { Array($0.readableBytesView) }
            case .aggregateID: aggregateID = value.string
            case .version: version = value.int
            case .occurredAt: occurredAt = value.string.flatMap { Int64($0) }
            case .correlationID: correlationID = value.string ?? ""
            case .causationID: causationID = value.string ?? ""
            case .traceParent: traceParent = value.string ?? ""
            case .encoding: encoding = value.string ?? ""
            case nil: break
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
                  occurredAt: occurredAt ?? Int64(entry.milliseconds), correlationID: correlationID, entity: json,
                  causationID: causationID, traceParent: traceParent)
    }

    /// The fields of an entry of the store's layout. Entries written before `causation_id` and `traceparent`
    /// existed lack them (and may lack `correlation_id`): they read as empty.
    enum Field: String, CaseIterable {
        case eventID = "event_id", entity, aggregateID = "aggregate_id", version, occurredAt = "occurred_at"
        case correlationID = "correlation_id", causationID = "causation_id", traceParent = "traceparent", encoding = "enc"
    }

    /// Which field a name is, without making a String (it runs for every field of every entry read).
    /// The length picks at most two candidates; their first bytes tell those apart.
    static func field(named name: ByteBuffer) -> Field? {
        let candidate: Field
        switch name.readableBytes {
        case 8: candidate = .eventID
        case 6: candidate = .entity
        case 12: candidate = name.getInteger(at: name.readerIndex, as: UInt8.self) == UInt8(ascii: "c") ? .causationID : .aggregateID
        case 7: candidate = .version
        case 11: candidate = name.getInteger(at: name.readerIndex, as: UInt8.self) == UInt8(ascii: "t") ? .traceParent : .occurredAt
        case 14: candidate = .correlationID
        case 3: candidate = .encoding
        default: return nil
        }
        return name.readableBytesView.elementsEqual(candidate.rawValue.utf8) ? candidate : nil
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
