import ShopDomain

/// An entry a consumer group gave up on, as `deadletter:{topic}` holds it: where it came from, why, and the event.
public struct DeadLetter: Sendable, Equatable {
    /// The topic whose dead-letter stream holds it.
    public var topic: Topic
    /// Its id in `deadletter:{topic}`; the time it was dead-lettered is the id's milliseconds.
    public var id: String
    /// The event stream and entry it was read from.
    public var stream: String
    public var entryID: String
    /// The group that gave up on it, and the consumer that did.
    public var group: String
    public var consumer: String
    /// The handler's last error (or why the entry did not decode).
    public var error: String
    /// How often it had been delivered when the group gave up.
    public var deliveries: Int
    /// The event, or nil when the entry itself was not a readable event.
    public var event: StoredEvent?

    /// When it was dead-lettered, in Unix milliseconds (from the id).
    public var deadLetteredAt: Int64 { EntryID(id).map { Int64($0.milliseconds) } ?? 0 }
}

/// What a replay of dead letters did.
public struct DeadLetterReplay: Sendable, Equatable {
    /// Handed back to their group (pending again, claimed by a live consumer within its claim interval).
    public var replayed: Int = 0
    /// Gone from their event stream (trimmed after archiving) or their group no longer exists: left in place.
    public var unreplayable: [String] = []

    public init() {}
}
