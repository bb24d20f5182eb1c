import NIOCore
import ShopEventStore

/// One page of `GET /events`: the events' JSON as PostgreSQL built it, and the cursor of the next page.
public struct EventPage: Sendable {
    /// The events, in commit order.
    public var events: [StoredEvent]
    /// Each event's API JSON object, in the same order.
    public var eventJSON: [String]
    /// Where the next page starts; nil when this page was the last.
    public var next: EventCursor?

    /// `{"events":[…],"next":"…"|null}`.
    public func jsonBody() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(eventJSON.reduce(32) { $0 + $1.utf8.count + 1 })
        buffer.writeStaticString(#"{"events":["#)
        for (index, json) in eventJSON.enumerated() {
            if index > 0 { buffer.writeStaticString(",") }
            buffer.writeString(json)
        }
        buffer.writeStaticString(#"],"next":"#)
        if let next {
            // A cursor is digits, '-', ':' and a topic name: nothing to escape.
            buffer.writeString("\"\(next)\"")
        } else {
            buffer.writeStaticString("null")
        }
        buffer.writeStaticString("}")
        return buffer
    }
}
