/// Latency percentiles of one operation, in milliseconds.
public struct LatencySummary: Sendable, Codable, Equatable {
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var p999: Double
    public var max: Double

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

/// Throughput, latency and answers of one operation over a run.
public struct OperationSummary: Sendable, Codable, Equatable {
    public var operation: LoadOperation
    public var requests: Int
    public var ok: Int
    public var refused: Int
    public var failed: Int
    public var requestsPerSecond: Double
    public var okPerSecond: Double
    public var latency: LatencySummary
    public var statusCounts: [String: Int]

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

/// Everything a run found: how it ran, per-operation figures, and the correctness checks.
public struct LoadSummary: Sendable, Codable, Equatable {
    /// `closed` (a fixed number of connections, each sending as soon as the last answer came) or `open` (a rate).
    public var model: String
    public var connections: Int
    /// The open model's target rate (requests per second); nil in the closed model.
    public var targetRate: Double?
    public var mix: String
    public var durationSeconds: Double
    public var operations: [OperationSummary]
    public var checks: [CheckResult]

    public init(model: String, connections: Int, targetRate: Double?, mix: String, durationSeconds: Double,
                operations: [OperationSummary], checks: [CheckResult]) {
        self.model = model
        self.connections = connections
        self.targetRate = targetRate
        self.mix = mix
        self.durationSeconds = durationSeconds
        self.operations = operations
        self.checks = checks
    }

    /// True when every correctness check passed.
    public var passed: Bool { checks.allSatisfy(\.passed) }

    enum CodingKeys: String, CodingKey {
        case model, connections, mix, operations, checks, passed
        case targetRate = "target_rate"
        case durationSeconds = "duration_seconds"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        connections = try container.decode(Int.self, forKey: .connections)
        targetRate = try container.decodeIfPresent(Double.self, forKey: .targetRate)
        mix = try container.decode(String.self, forKey: .mix)
        durationSeconds = try container.decode(Double.self, forKey: .durationSeconds)
        operations = try container.decode([OperationSummary].self, forKey: .operations)
        checks = try container.decode([CheckResult].self, forKey: .checks)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(connections, forKey: .connections)
        try container.encodeIfPresent(targetRate, forKey: .targetRate)
        try container.encode(mix, forKey: .mix)
        try container.encode(durationSeconds, forKey: .durationSeconds)
        try container.encode(operations, forKey: .operations)
        try container.encode(checks, forKey: .checks)
        try container.encode(passed, forKey: .passed)
    }
}
