/// How a consumer group member reads, retries, claims and gives up.
public struct ConsumerConfiguration: Sendable, Equatable {
    /// Entries idle this long in another consumer's pending list are claimed (`CONSUMER_CLAIM_IDLE_MS`).
    public var claimIdle: Duration
    /// After this many failed deliveries an entry moves to `deadletter:{topic}` (`CONSUMER_MAX_DELIVERIES`).
    public var maxDeliveries: Int
    /// Entries read per call.
    public var batchSize: Int
    /// How long one blocking read waits for new entries; also bounds how long a graceful stop takes.
    public var block: Duration
    /// Pause before a failed entry is retried.
    public var retryDelay: Duration
    /// The largest entity a gzip entry may inflate to.
    public var maxEntitySize: Int
    /// After a batch smaller than `batchSize`, the pause before the next read (`CONSUMER_LINGER_MS`, 20 ms): under a
    /// steady stream the next read then takes several entries at once instead of waking for each one. An idle
    /// consumer still answers the first new entry at once (its read blocks until it arrives).
    public var linger: Duration
    /// Another consumer of the group that holds no pending entry and has been idle this long is removed from the
    /// group (`CONSUMER_FORGET_IDLE_MS`): one left behind by a stopped or killed process.
    public var forgetIdle: Duration = .seconds(600)

    /// The defaults suit a service; tests shorten the durations.
    public init(claimIdle: Duration = .seconds(30), maxDeliveries: Int = 5, batchSize: Int = 100,
                block: Duration = .seconds(2), retryDelay: Duration = .milliseconds(500), maxEntitySize: Int = 16 << 20,
                linger: Duration = .milliseconds(20), forgetIdle: Duration = .seconds(600)) {
        self.claimIdle = claimIdle
        self.maxDeliveries = max(1, maxDeliveries)
        self.batchSize = max(1, batchSize)
        self.block = block
        self.retryDelay = retryDelay
        self.maxEntitySize = maxEntitySize
        self.linger = linger
        self.forgetIdle = forgetIdle
    }
}
