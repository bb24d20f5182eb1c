/// Latency percentiles of one operation, in milliseconds.
public struct LatencySummary: Sendable, Codable, Equatable {
    /// The median.
    public var p50: Double
    /// The 90th percentile.
    public var p90: Double
    /// The 99th percentile.
    public var p99: Double
    /// The 99.9th percentile.
    public var p999: Double
    /// The slowest request.
    public var max: Double

    /// Percentiles as measured.
    public init(p50: Double, p90: Double, p99: Double, p999: Double, max: Double) {
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.p999 = p999
        self.max = max
    }

    enum CodingKeys: String, CodingKey {
        case p50 = "p50_ms", p90 = "p90_ms", p99 = "p99_ms", p999 = "p99_9_ms", max = "max_ms"
    }
}
