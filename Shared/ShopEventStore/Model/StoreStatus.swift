/// The store's monitoring data: every stream with its groups and consumers, and the trim reports (what `GET /status` shows).
public struct StoreStatus: Sendable, Equatable, Codable {
    /// The topics' event streams and dead-letter streams that exist.
    public var streams: [StreamStatus]
    /// Dead-lettered entries per topic.
    public var deadLetters: [String: Int]
    /// archive-service's last trim report of each stream: what was trimmed and what held trimming back.
    public var trimming: [ArchiveTrimReport]

    enum CodingKeys: String, CodingKey {
        case streams, trimming
        case deadLetters = "dead_letters"
    }
}

/// One stream: size, range, memory, and the consumer groups that follow it.
public struct StreamStatus: Sendable, Equatable, Codable {
    /// The stream's key, e.g. `events:{order}_created` or `deadletter:{order}`.
    public var name: String
    /// Entries in Redis now (archived entries may have been trimmed).
    public var length: Int
    /// Oldest and newest entry ids; nil when the stream is empty.
    public var firstEntryID: String?
    public var lastEntryID: String?
    /// `MEMORY USAGE` of the key, in bytes.
    public var memoryBytes: Int?
    /// The consumer groups following the stream.
    public var groups: [GroupStatus]

    enum CodingKeys: String, CodingKey {
        case name, length, groups
        case firstEntryID = "first_entry_id"
        case lastEntryID = "last_entry_id"
        case memoryBytes = "memory_bytes"
    }
}

/// One consumer group on a stream.
public struct GroupStatus: Sendable, Equatable, Codable {
    /// The group, named after the service.
    public var name: String
    /// Entries not yet delivered to the group (nil when Redis cannot tell, e.g. after deletions).
    public var lag: Int?
    /// Entries delivered but not acknowledged.
    public var pending: Int
    /// The newest entry id delivered to the group.
    public var lastDeliveredID: String
    /// The group's members.
    public var consumers: [ConsumerStatus]

    enum CodingKeys: String, CodingKey {
        case name, lag, pending, consumers
        case lastDeliveredID = "last_delivered_id"
    }
}

/// One consumer of a group.
public struct ConsumerStatus: Sendable, Equatable, Codable {
    /// `host-pid` of the process.
    public var name: String
    /// Entries delivered to it and not yet acknowledged.
    public var pending: Int
    /// Milliseconds since the consumer last read.
    public var idleMilliseconds: Int

    enum CodingKeys: String, CodingKey {
        case name, pending
        case idleMilliseconds = "idle_ms"
    }
}
