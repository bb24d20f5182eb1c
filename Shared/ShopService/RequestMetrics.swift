import Metrics
import ShopHTTP
import Synchronization

/// Turns each completed request into `http_requests_total{route,method,status}` and the
/// `http_request_duration_seconds{route,method}` histogram; metric handles are cached per label set.
final class RequestMetrics: Sendable {
    private struct Key: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private struct Handles: Sendable {
        var requests: Counter
        var duration: Timer
    }

    private let handles = Mutex<[Key: Handles]>([:])

    /// Records one request; called by the HTTP server on its event loop, so it only takes a short lock.
    func record(_ record: RequestRecord) {
        let key = Key(route: record.route, method: record.method, status: record.status)
        let metric = handles.withLock { handles in
            if let existing = handles[key] { return existing }
            let created = Handles(
                requests: Counter(
                    label: "http_requests_total",
                    dimensions: [("route", key.route), ("method", key.method), ("status", String(key.status))]),
                duration: Timer(
                    label: "http_request_duration_seconds",
                    dimensions: [("route", key.route), ("method", key.method)]))
            handles[key] = created
            return created
        }
        metric.requests.increment()
        let (seconds, attoseconds) = record.duration.components
        metric.duration.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
