import Histogram

/// Latencies (HdrHistogram, microseconds) and answers of one operation.
public struct OperationStats: Sendable {
    /// Latencies above this (one minute) are recorded as one minute.
    public static let highestLatency: UInt64 = 60_000_000

    /// Every recorded latency in microseconds.
    public private(set) var histogram: Histogram<UInt64>
    /// Answers by status code; requests that got no answer count under `transportErrorKey`.
    public private(set) var statusCounts: [String: Int] = [:]
    /// Requests answered 2xx.
    public private(set) var ok = 0
    /// Expected refusals (orders beyond stock).
    public private(set) var refused = 0
    /// Other answers, or none.
    public private(set) var failed = 0

    /// The key under which requests without an answer (refused connection, timeout) are counted.
    public static let transportErrorKey = "no-answer"

    /// Empty statistics: latencies from 1 µs to one minute at three significant digits.
    public init() {
        histogram = Histogram(lowestDiscernibleValue: 1, highestTrackableValue: Self.highestLatency,
                              numberOfSignificantValueDigits: .three)
    }

    /// Every request recorded.
    public var count: Int { ok + refused + failed }

    /// Records one request: its latency and its status (nil when no answer came).
    public mutating func record(latency: Duration, status: Int?, outcome: RequestOutcome) {
        _ = histogram.record(Swift.min(Swift.max(latency.microseconds, 1), Self.highestLatency))
        statusCounts[status.map(String.init) ?? Self.transportErrorKey, default: 0] += 1
        switch outcome {
        case .ok: ok += 1
        case .refused: refused += 1
        case .failed: failed += 1
        }
    }

    /// Adds another set of recordings to this one.
    public mutating func merge(_ other: OperationStats) {
        histogram.add(other.histogram)
        statusCounts.merge(other.statusCounts, uniquingKeysWith: +)
        ok += other.ok
        refused += other.refused
        failed += other.failed
    }

    /// The latency at `percentile` (0...100) in milliseconds; 0 when nothing was recorded.
    public func latencyMilliseconds(atPercentile percentile: Double) -> Double {
        guard histogram.totalCount > 0 else { return 0 }
        return Double(histogram.valueAtPercentile(percentile)) / 1000
    }

    /// The summary of this operation over a run of `elapsed`.
    public func summary(of operation: LoadOperation, elapsed: Duration) -> OperationSummary {
        let seconds = Swift.max(elapsed.secondsDouble, 1e-9)
        return OperationSummary(
            operation: operation, requests: count, ok: ok, refused: refused, failed: failed,
            requestsPerSecond: Double(count) / seconds, okPerSecond: Double(ok) / seconds,
            latency: LatencySummary(
                p50: latencyMilliseconds(atPercentile: 50), p90: latencyMilliseconds(atPercentile: 90),
                p99: latencyMilliseconds(atPercentile: 99), p999: latencyMilliseconds(atPercentile: 99.9),
                max: histogram.totalCount > 0 ? Double(histogram.max) / 1000 : 0),
            statusCounts: statusCounts)
    }
}
