/// `XPENDING key group` summary: how many entries are delivered but not acknowledged, and by whom.
public struct StreamPendingSummary: Sendable, Equatable {
    /// Entries pending in the group.
    public var count: Int
    /// Lowest and highest pending ids; nil when nothing is pending.
    public var smallestID: String?
    public var largestID: String?
    /// Pending count per consumer.
    public var consumers: [String: Int]
}

/// One line of `XPENDING key group start end count`: a delivered, unacknowledged entry.
public struct StreamPendingEntry: Sendable, Equatable {
    /// The entry id.
    public var id: String
    /// The consumer that holds it.
    public var consumer: String
    /// Milliseconds since it was last delivered.
    public var idleMilliseconds: Int
    /// How many times it was delivered.
    public var deliveryCount: Int
}

/// `XAUTOCLAIM` result: claimed entries, where to continue, and ids that no longer exist.
public struct StreamAutoClaimResult: Sendable, Equatable {
    /// Start id for the next call; `0-0` when the scan is complete.
    public var nextStart: String
    /// Entries now owned by the claiming consumer.
    public var entries: [StreamEntry]
    /// Pending ids whose entries were deleted (Redis 7 drops them from the PEL).
    public var deletedIDs: [String]
}
