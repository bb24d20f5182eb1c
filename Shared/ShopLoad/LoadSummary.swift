/// Everything a run found: how it ran, per-operation figures, and the correctness checks.
public struct LoadSummary: Sendable, Codable, Equatable {
    /// `closed` (a fixed number of connections, each sending as soon as the last answer came) or `open` (a rate).
    public var model: String
    /// Connections, one virtual user each.
    public var connections: Int
    /// The open model's target rate (requests per second); nil in the closed model.
    public var targetRate: Double?
    /// The workload mix, as `operation=weight,…`.
    public var mix: String
    /// From the first request to the last answer.
    public var durationSeconds: Double
    /// Figures per operation, in `LoadOperation` order.
    public var operations: [OperationSummary]
    /// The correctness checks, in a fixed order.
    public var checks: [CheckResult]
    /// Open model: requests that fell due during the run but were never sent, because the shop was so far behind
    /// that the run ended first; 0 in the closed model.
    public var unsent: Int

    /// A summary as the run produced it.
    public init(model: String, connections: Int, targetRate: Double?, mix: String, durationSeconds: Double,
                operations: [OperationSummary], checks: [CheckResult], unsent: Int = 0) {
        self.model = model
        self.connections = connections
        self.targetRate = targetRate
        self.mix = mix
        self.durationSeconds = durationSeconds
        self.operations = operations
        self.checks = checks
        self.unsent = unsent
    }

    /// True when every correctness check passed.
    public var passed: Bool { checks.allSatisfy(\.passed) }

    enum CodingKeys: String, CodingKey {
        case model, connections, mix, operations, checks, passed, unsent
        case targetRate = "target_rate"
        case durationSeconds = "duration_seconds"
    }

    /// Reads a summary written by `encode(to:)` (`passed` is derived, not read).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        connections = try container.decode(Int.self, forKey: .connections)
        targetRate = try container.decodeIfPresent(Double.self, forKey: .targetRate)
        mix = try container.decode(String.self, forKey: .mix)
        durationSeconds = try container.decode(Double.self, forKey: .durationSeconds)
        operations = try container.decode([OperationSummary].self, forKey: .operations)
        checks = try container.decode([CheckResult].self, forKey: .checks)
        unsent = try container.decodeIfPresent(Int.self, forKey: .unsent) ?? 0
    }

    /// Writes the summary with its derived `passed` verdict, for machines.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(connections, forKey: .connections)
        try container.encodeIfPresent(targetRate, forKey: .targetRate)
        try container.encode(mix, forKey: .mix)
        try container.encode(durationSeconds, forKey: .durationSeconds)
        try container.encode(operations, forKey: .operations)
        try container.encode(checks, forKey: .checks)
        try container.encode(unsent, forKey: .unsent)
        try container.encode(passed, forKey: .passed)
    }
}
