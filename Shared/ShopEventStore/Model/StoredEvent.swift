import Foundation
import ShopDomain

/// An event as committed to its stream, with the entity JSON decoded (decompressed when it was stored gzip).
public struct StoredEvent: Sendable, Equatable {
    /// The event's UUID: the idempotency key of every effect it causes.
    public var eventID: String
    /// The topic whose streams hold the event.
    public var topic: Topic
    /// What happened.
    public var action: EventAction
    /// The stream entry id: strictly increasing across the topic's three streams, so it gives commit order.
    public var entryID: EntryID
    /// The entity's id.
    public var aggregateID: String
    /// The aggregate's version after this event (1 for its creation).
    public var version: Int
    /// Commit time in Unix milliseconds, from the Redis server's clock (the same clock as the entry id).
    public var occurredAt: Int64
    /// Shared by every event and message one request set off (may be empty: events written before it existed).
    public var correlationID: String
    /// The entity JSON (one object), uncompressed.
    public var entity: [UInt8]
    /// The request id (for a command) or the event id (for a reaction) that caused this event; empty when unknown.
    public var causationID: String = ""
    /// The W3C `traceparent` of the span that wrote the event; empty when no tracer recorded it.
    public var traceParent: String = ""

    /// Decodes the entity as the given type.
    public func decode<E: Entity>(_ type: E.Type) throws -> E {
        do {
            return try E(jsonBytes: entity)
        } catch {
            throw EventStoreError(.corruptEvent, "event \(eventID) (\(entryID)) does not hold a valid \(E.self): \(error)")
        }
    }
}
