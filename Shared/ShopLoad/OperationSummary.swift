/// Throughput, latency and answers of one operation over a run.
public struct OperationSummary: Sendable, Codable, Equatable {
    /// The operation these figures are about.
    public var operation: LoadOperation
    /// Requests sent (answered or not).
    public var requests: Int
    /// Requests answered 2xx.
    public var ok: Int
    /// Orders refused for want of stock (409).
    public var refused: Int
    /// Any other answer, or none.
    public var failed: Int
    /// All requests per second of the run.
    public var requestsPerSecond: Double
    /// 2xx answers per second of the run.
    public var okPerSecond: Double
    /// Latency percentiles (open model: from each request's due time).
    public var latency: LatencySummary
    /// Answers by status code (`no-answer` for none).
    public var statusCounts: [String: Int]

    /// Figures as measured.
    public init(operation: LoadOperation, requests: Int, ok: Int, refused: Int, failed: Int,
                requestsPerSecond: Double, okPerSecond: Double, latency: LatencySummary, statusCounts: [String: Int]) {
        self.operation = operation
        self.requests = requests
        self.ok = ok
        self.refused = refused
        self.failed = failed
        self.requestsPerSecond = requestsPerSecond
        self.okPerSecond = okPerSecond
        self.latency = latency
        self.statusCounts = statusCounts
    }

    enum CodingKeys: String, CodingKey {
        case operation, requests, ok, refused, failed, latency
        case requestsPerSecond = "requests_per_second"
        case okPerSecond = "ok_per_second"
        case statusCounts = "status_counts"
    }
}
