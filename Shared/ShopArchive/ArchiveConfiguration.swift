/// How the archiver batches and the trimmer trims; defaults suit the local stack.
public struct ArchiveConfiguration: Sendable {
    /// The consumer group archive-service reads every event stream with.
    public var group = "archive"
    /// The consumer name: fixed, so a restarted archiver re-reads the entries its predecessor left pending.
    public var consumer = "archiver"
    /// A batch is written once it holds this many entries (N)…
    public var batchSize = 2_000
    /// …or this long after its first entry arrived (T), whichever comes first.
    public var batchDelay: Duration = .milliseconds(50)
    /// The most entries one read (or claim) takes from each stream, so a read stays short for Redis even when a
    /// backlog waits: a batch is filled by several reads.
    public var readCount = 256
    /// Batches written at once (each its own statement and connection) while the next one is read.
    public var concurrentWrites = 2
    /// How long one blocking read waits when nothing is buffered.
    public var idleBlock: Duration = .seconds(1)
    /// First and longest pause after PostgreSQL or Redis failed, doubling in between.
    public var minBackoff: Duration = .milliseconds(100)
    public var maxBackoff: Duration = .seconds(5)
    /// Entries other consumers of the group left pending this long are claimed (a crashed instance of another name).
    public var claimIdle: Duration = .seconds(30)
    /// Other consumers of the group that hold no pending entry and have been idle this long are removed from it at
    /// each claim round (`CONSUMER_FORGET_IDLE_MS`), as the reacting services do.
    public var forgetIdle: Duration = .seconds(600)
    /// The largest entity an entry may inflate to; a bigger one is dead-lettered.
    public var maxEntitySize = 16 << 20
    /// How often the trimmer runs.
    public var trimInterval: Duration = .seconds(10)
    /// `EVENT_RETENTION_SECONDS`: entries younger than this stay in Redis even when archived.
    public var retention: Duration = .seconds(3600)

    /// The defaults.
    public init() {}
}
