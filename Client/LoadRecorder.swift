import ShopLoad
import Synchronization

/// The tallies of a run, shared by every virtual user and read each second by the progress line.
final class LoadRecorder: Sendable {
    /// Everything recorded so far.
    struct Tally: Sendable {
        var stats: [LoadOperation: OperationStats] = [:]
        /// Orders the gateway accepted: id → product ids.
        var acceptedOrders: [String: [String]] = [:]
        /// Order requests that got no answer: each may or may not have been written.
        var unansweredOrders = 0
        /// Requests answered 5xx, answered unreadably, or not answered.
        var serverErrors = 0
        var requests = 0
        var failed = 0
    }

    private let tally = Mutex(Tally())

    /// Records one finished request.
    func record(_ operation: LoadOperation, latency: Duration, status: Int?, outcome: RequestOutcome,
                serverError: Bool, acceptedOrder: (id: String, products: [String])? = nil) {
        tally.withLock { tally in
            tally.stats[operation, default: OperationStats()].record(latency: latency, status: status, outcome: outcome)
            tally.requests += 1
            if outcome == .failed { tally.failed += 1 }
            if serverError { tally.serverErrors += 1 }
            if status == nil, operation == .orders { tally.unansweredOrders += 1 }
            if let acceptedOrder { tally.acceptedOrders[acceptedOrder.id] = acceptedOrder.products }
        }
    }

    /// Counts orders placed outside the timed run (the preload) as accepted, so the checks follow them too.
    func adopt(acceptedOrders: [String: [String]]) {
        tally.withLock { $0.acceptedOrders.merge(acceptedOrders) { _, new in new } }
    }

    /// Requests so far, failures so far, and the p99 over every operation so far (ms).
    func progress() -> (requests: Int, failed: Int, p99: Double) {
        let (requests, failed, stats) = tally.withLock { ($0.requests, $0.failed, Array($0.stats.values)) }
        var all = OperationStats()
        for operation in stats { all.merge(operation) }
        return (requests, failed, all.latencyMilliseconds(atPercentile: 99))
    }

    /// Everything recorded.
    func result() -> Tally { tally.withLock { $0 } }
}
