/// The redirect and retry rules of one cluster command, as a value tested without I/O: after each failure it says
/// where the command goes next, whether the map is refreshed first, and how long to wait; or that it has to fail.
struct RedisClusterRetryState: Sendable {
    /// Where the next attempt goes.
    enum Target: Sendable, Equatable {
        /// The primary that the current map names for the slot.
        case slotOwner
        /// A node a redirect named; `asking` sends `ASKING` first on the same connection.
        case node(RedisNodeAddress, asking: Bool)
    }

    /// Why an attempt failed.
    enum Failure: Sendable, Equatable {
        case redirect(RedisClusterRedirect)
        /// No connection to the node (refused, not yet connected, node retired): the command was not sent.
        case unreachable
        /// The map names no primary for the slot.
        case noOwner
        /// The connection broke or timed out after sending: the command may have run, so it is not repeated.
        case connectionLost
        /// Anything else: the caller's to handle.
        case other
    }

    enum Decision: Sendable, Equatable {
        /// Wait `after`, refresh the map when asked to, and send again to `target`.
        case retry(Target, after: Duration, refreshTopology: Bool)
        /// Give the error to the caller, refreshing the map first when asked to (so the next command goes right).
        case fail(refreshTopology: Bool)
        /// The attempts are spent: fail with `.unavailable`.
        case giveUp(refreshTopology: Bool)
    }

    let maxAttempts: Int
    let firstDelay: Duration
    let maxDelay: Duration
    /// Attempts made so far, the first included.
    private(set) var attempts = 1
    /// Where the next attempt goes.
    private(set) var target = Target.slotOwner
    private var waits = 0

    init(maxAttempts: Int = 8, firstDelay: Duration = .milliseconds(20), maxDelay: Duration = .milliseconds(500)) {
        self.maxAttempts = max(1, maxAttempts)
        self.firstDelay = firstDelay
        self.maxDelay = maxDelay
    }

    /// What to do after an attempt failed with `failure`.
    mutating func next(after failure: Failure) -> Decision {
        let retry: (target: Target, waits: Bool, refresh: Bool)
        switch failure {
        case .other:
            return .fail(refreshTopology: false)
        case .connectionLost:
            return .fail(refreshTopology: true)
        case .redirect(.moved(_, let node)):
            retry = (.node(node, asking: false), false, true)
        case .redirect(.ask(_, let node)):
            retry = (.node(node, asking: true), false, false)
        case .redirect(.tryAgain):
            retry = (.slotOwner, true, false)
        case .redirect(.clusterDown), .unreachable, .noOwner:
            retry = (.slotOwner, true, true)
        }
        guard attempts < maxAttempts else { return .giveUp(refreshTopology: retry.refresh) }
        attempts += 1
        target = retry.target
        return .retry(retry.target, after: retry.waits ? nextDelay() : .zero, refreshTopology: retry.refresh)
    }

    /// 20 ms, 40 ms, 80 ms … up to `maxDelay`: the whole budget (about 2 s by default) covers a failover's
    /// election without holding a request much longer than that.
    private mutating func nextDelay() -> Duration {
        defer { waits += 1 }
        var delay = firstDelay
        for _ in 0..<min(waits, 20) where delay < maxDelay { delay = delay * 2 }
        return min(delay, maxDelay)
    }
}
