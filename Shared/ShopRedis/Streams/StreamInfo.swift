/// `XINFO STREAM`: the stream's size and ends.
public struct StreamInfo: Sendable {
    /// Number of entries.
    public var length: Int
    /// Number of consumer groups.
    public var groups: Int
    /// The last id generated (also when that entry was deleted).
    public var lastGeneratedID: String
    /// Total entries ever added (Redis 7+), nil on older servers.
    public var entriesAdded: Int?
    /// Oldest and newest entries, nil for an empty stream.
    public var firstEntry: StreamEntry?
    public var lastEntry: StreamEntry?
    /// Every field of the reply, for what the typed fields do not cover.
    public var raw: [String: RESPValue]
}

/// One group of `XINFO GROUPS`.
public struct StreamGroupInfo: Sendable, Equatable {
    /// The group's name.
    public var name: String
    /// Consumers in the group.
    public var consumers: Int
    /// Delivered, unacknowledged entries.
    public var pending: Int
    /// The last id delivered to the group.
    public var lastDeliveredID: String
    /// Entries not yet delivered to the group (Redis 7+); nil when unknown.
    public var lag: Int?
}

/// One consumer of `XINFO CONSUMERS`.
public struct StreamConsumerInfo: Sendable, Equatable {
    /// The consumer's name.
    public var name: String
    /// Entries it holds unacknowledged.
    public var pending: Int
    /// Milliseconds since it last interacted.
    public var idleMilliseconds: Int
}
