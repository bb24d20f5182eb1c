/// The share of each operation in a run: `orders=60,reads=30,report=10` or a preset name.
///
/// Operations are dealt from a fixed cycle built by smooth weighted round robin, so any stretch of a run carries
/// the mix's proportions (exactly, over a whole cycle) without clumping one operation together.
public struct WorkloadMix: Sendable, Equatable, CustomStringConvertible {
    /// The named presets `--mix` accepts besides an explicit list.
    public static let presets: [String: String] = [
        "orders": "orders=100",
        "reads": "reads=100",
        "report": "report=100",
        "mixed": "orders=60,reads=30,report=10",
    ]

    /// The largest weight one operation may have (keeps the cycle small).
    public static let maxWeight = 1000

    /// Each operation's weight as given, in the order of `LoadOperation.allCases`, zero weights left out.
    public let weights: [(operation: LoadOperation, weight: Int)]
    /// The dealing cycle; request number `n` runs `cycle[n % cycle.count]`.
    public let cycle: [LoadOperation]

    /// Parses a preset name or a comma-separated list of `operation=weight`.
    public init(parsing text: String) throws(LoadError) {
        let trimmed = text.trimmingWhitespace()
        let spec = Self.presets[trimmed] ?? trimmed
        var found: [LoadOperation: Int] = [:]
        guard !spec.isEmpty else { throw Self.invalid(text, "it is empty") }
        for part in spec.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = part.split(separator: "=", omittingEmptySubsequences: false)
            guard pair.count == 2 else {
                throw Self.invalid(text, "'\(part.prefix(40))' is not operation=weight")
            }
            let name = String(pair[0]).trimmingWhitespace()
            guard let operation = LoadOperation(rawValue: name) else {
                throw Self.invalid(text, "unknown operation '\(name.prefix(40))'")
            }
            guard found[operation] == nil else { throw Self.invalid(text, "'\(name)' appears twice") }
            let weightText = String(pair[1]).trimmingWhitespace()
            guard let weight = Int(weightText), (0...Self.maxWeight).contains(weight) else {
                throw Self.invalid(text, "the weight of '\(name)' must be a whole number from 0 to \(Self.maxWeight)")
            }
            found[operation] = weight
        }
        try self.init(weights: found)
    }

    /// A mix from explicit weights (each 0...maxWeight, at least one positive).
    public init(weights: [LoadOperation: Int]) throws(LoadError) {
        let listed = LoadOperation.allCases.compactMap { operation -> (LoadOperation, Int)? in
            guard let weight = weights[operation], weight > 0 else { return nil }
            return (operation, weight)
        }
        let description = weights.map { "\($0.key.rawValue)=\($0.value)" }.sorted().joined(separator: ",")
        guard !listed.isEmpty else { throw Self.invalid(description, "no operation has a positive weight") }
        if let bad = listed.first(where: { $0.1 > Self.maxWeight }) {
            throw Self.invalid(description, "the weight of '\(bad.0.rawValue)' is above \(Self.maxWeight)")
        }
        let divisor = listed.map(\.1).reduce(0, Self.gcd)
        self.weights = listed.map { (operation: $0.0, weight: $0.1) }
        self.cycle = Self.smoothRoundRobin(listed.map { (operation: $0.0, weight: $0.1 / divisor) })
    }

    /// The operation of request number `ticket` (any non-negative number).
    public func operation(at ticket: Int) -> LoadOperation {
        cycle[ticket % cycle.count]
    }

    /// The operations with a positive weight.
    public var operations: [LoadOperation] { weights.map(\.operation) }

    /// The mix as `operation=weight,…`, weights as given.
    public var description: String { weights.map { "\($0.operation.rawValue)=\($0.weight)" }.joined(separator: ",") }

    /// Two mixes are equal when they deal the same operations in the same order.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.cycle == rhs.cycle }

    /// nginx's smooth weighted round robin: each step every entry gains its weight and the leader pays the total.
    private static func smoothRoundRobin(_ weights: [(operation: LoadOperation, weight: Int)]) -> [LoadOperation] {
        let total = weights.reduce(0) { $0 + $1.weight }
        var current = Array(repeating: 0, count: weights.count)
        var cycle: [LoadOperation] = []
        cycle.reserveCapacity(total)
        for _ in 0..<total {
            var best = 0
            for index in weights.indices {
                current[index] += weights[index].weight
                if current[index] > current[best] { best = index }
            }
            current[best] -= total
            cycle.append(weights[best].operation)
        }
        return cycle
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    private static func invalid(_ text: String, _ reason: String) -> LoadError {
        let known = LoadOperation.allCases.map(\.rawValue).joined(separator: ", ")
        let presets = presets.keys.sorted().joined(separator: ", ")
        return LoadError(.invalidMix, "invalid --mix '\(text.prefix(80))': \(reason) "
            + "(operations: \(known); presets: \(presets); e.g. orders=60,reads=30,report=10)")
    }
}

extension String {
    func trimmingWhitespace() -> String {
        String(self.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
