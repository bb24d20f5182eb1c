import ShopDomain

extension StoredEvent {
    /// An event read back from outside Redis (the PostgreSQL archive), with every field given.
    public init(archivedEventID eventID: String, topic: Topic, action: EventAction, entryID: EntryID, aggregateID: String,
                version: Int, occurredAt: Int64, correlationID: String, causationID: String = "", entity: [UInt8]) {
        self.init(eventID: eventID, topic: topic, action: action, entryID: entryID, aggregateID: aggregateID, version: version,
                  occurredAt: occurredAt, correlationID: correlationID, entity: entity, causationID: causationID)
    }
}
