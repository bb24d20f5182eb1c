import ShopEventStore
import ShopHTTP
import ShopJSON

/// Events and dead letters written as the API shows them, the entity JSON embedded as it is stored.
enum EventJSON {
    /// `{"event_id","topic","action","entry_id","aggregate_id","version","occurred_at","correlation_id","causation_id","entity"}`,
    /// the shape `GET /events` answers.
    static func write(_ event: StoredEvent, into buffer: inout ByteBuffer) {
        buffer.writeStaticString(#"{"event_id":"#)
        JSONWriter.string(event.eventID, into: &buffer)
        buffer.writeStaticString(#","topic":"#)
        JSONWriter.string(event.topic.rawValue, into: &buffer)
        buffer.writeStaticString(#","action":"#)
        JSONWriter.string(event.action.rawValue, into: &buffer)
        buffer.writeStaticString(#","entry_id":"#)
        JSONWriter.string("\(event.entryID)", into: &buffer)
        buffer.writeStaticString(#","aggregate_id":"#)
        JSONWriter.string(event.aggregateID, into: &buffer)
        buffer.writeString(#","version":\#(event.version),"occurred_at":\#(event.occurredAt),"correlation_id":"#)
        JSONWriter.string(event.correlationID, into: &buffer)
        buffer.writeStaticString(#","causation_id":"#)
        JSONWriter.string(event.causationID, into: &buffer)
        buffer.writeStaticString(#","entity":"#)
        if event.entity.isEmpty { buffer.writeStaticString("null") } else { buffer.writeBytes(event.entity) }
        buffer.writeStaticString("}")
    }

    static func json(_ event: StoredEvent) -> ByteBuffer {
        var buffer = ByteBuffer()
        write(event, into: &buffer)
        return buffer
    }

    /// `{"topic","id","dead_lettered_at","stream","entry_id","group","consumer","error","deliveries","event"}`.
    static func write(_ letter: DeadLetter, into buffer: inout ByteBuffer) {
        buffer.writeStaticString(#"{"topic":"#)
        JSONWriter.string(letter.topic.rawValue, into: &buffer)
        buffer.writeStaticString(#","id":"#)
        JSONWriter.string(letter.id, into: &buffer)
        buffer.writeString(#","dead_lettered_at":\#(letter.deadLetteredAt),"stream":"#)
        JSONWriter.string(letter.stream, into: &buffer)
        for (name, value) in [("entry_id", letter.entryID), ("group", letter.group), ("consumer", letter.consumer), ("error", letter.error)] {
            buffer.writeString(",\"\(name)\":")
            JSONWriter.string(value, into: &buffer)
        }
        buffer.writeString(#","deliveries":\#(letter.deliveries),"event":"#)
        if let event = letter.event { write(event, into: &buffer) } else { buffer.writeStaticString("null") }
        buffer.writeStaticString("}")
    }
}
