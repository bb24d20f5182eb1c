import ShopDomain
/// An event to append: what happened to which aggregate, and the entity JSON after the change.
public struct NewEvent: Sendable, Equatable {
    /// What happened.
    public var action: EventAction
    /// The entity's id.
    public var aggregateID: String
    /// The entity as JSON (one object); empty for a delete, whose payload the store takes from the projection.
    public var entity: [UInt8]
    /// The version the aggregate must have now (0 for a create); nil appends whatever the version is.
    public var expectedVersion: Int?
    /// Shared by everything one request set off; empty: the task's `EventCause.current` gives it.
    public var correlationID: String
    /// The request or event that caused this one; empty: the task's `EventCause.current` gives it.
    public var causationID: String = ""
    /// The writing span's `traceparent`; empty: the task's `EventCause.current` gives it (or none is stored).
    public var traceParent: String = ""
    /// A fresh UUID, the consumers' idempotency key.
    public var eventID: String

    /// An event with a fresh event id.
    public init(action: EventAction, aggregateID: String, entity: [UInt8], expectedVersion: Int? = nil,
                correlationID: String = "", causationID: String = "", eventID: String = EntityID.make()) {
        self.action = action
        self.aggregateID = aggregateID
        self.entity = entity
        self.expectedVersion = expectedVersion
        self.correlationID = correlationID
        self.causationID = causationID
        self.eventID = eventID
    }
}
