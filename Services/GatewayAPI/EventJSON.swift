import ShopEventStore
import ShopHTTP

/// Events and dead letters written as the API shows them, the entity JSON embedded as it is stored.
enum EventJSON {
    /// `{"event_id","topic","action","entry_id","aggregate_id","version","occurred_at","correlation_id","causation_id","entity"}`,
    /// the shape `GET /events` answers.
    static func write(_ event: StoredEvent, into buffer: inout ByteBuffer) {
        buffer.writeStaticString(#"{"event_id":"#)
        JSONString.write(event.eventID, into: &buffer)
        buffer.writeStaticString(#","topic":"#)
        JSONString.write(event.topic.rawValue, into: &buffer)
        buffer.writeStaticString(#","action":"#)
        JSONString.write(event.action.rawValue, into: &buffer)
        buffer.writeStaticString(#","entry_id":"#)
        JSONString.write("\(event.entryID)", into: &buffer)
        buffer.writeStaticString(#","aggregate_id":"#)
        JSONString.write(event.aggregateID, into: &buffer)
        buffer.writeString(#","version":\#(event.version),"occurred_at":\#(event.occurredAt),"correlation_id":"#)
        JSONString.write(event.correlationID, into: &buffer)
        buffer.writeStaticString(#","causation_id":"#)
        JSONString.write(event.causationID, into: &buffer)
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
        JSONString.write(letter.topic.rawValue, into: &buffer)
        buffer.writeStaticString(#","id":"#)
        JSONString.write(letter.id, into: &buffer)
        buffer.writeString(#","dead_lettered_at":\#(letter.deadLetteredAt),"stream":"#)
        JSONString.write(letter.stream, into: &buffer)
        for (name, value) in [("entry_id", letter.entryID), ("group", letter.group), ("consumer", letter.consumer), ("error", letter.error)] {
            buffer.writeString(",\"\(name)\":")
            JSONString.write(value, into: &buffer)
        }
        buffer.writeString(#","deliveries":\#(letter.deliveries),"event":"#)
        if let event = letter.event { write(event, into: &buffer) } else { buffer.writeStaticString("null") }
        buffer.writeStaticString("}")
    }
}
