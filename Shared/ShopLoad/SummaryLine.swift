import Foundation

/// A one-line report for benchmark scripts, filled from a run's summary:
/// `orders-c16: ok={ok_rate}/s p50={p50} ms p99={p99} ms` (the first operation's figures), or with figures of
/// named operations and of the whole run: `orders p99={orders.p99} ms reads p50={reads.p50} ms total={total.rate} req/s`.
public struct SummaryLine: Sendable, Equatable {
    /// The placeholders a template may use: rates per second, latencies in milliseconds, counts.
    public static let placeholders = ["rate", "ok_rate", "p50", "p90", "p99", "p999", "max", "requests", "ok", "refused", "failed"]
    /// What `{total.…}` offers: sums over every operation (latencies do not add up).
    public static let totals = ["rate", "ok_rate", "requests", "ok", "refused", "failed"]

    /// The line with `{placeholder}`s.
    public let template: String

    /// A template whose every `{name}` is a known placeholder, `{operation.name}` or `{total.name}`.
    public init(template: String) throws(LoadError) {
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw LoadError(.invalidOption, "--line: '{' without '}'")
            }
            let name = String(rest[rest.index(after: open)..<close])
            guard Self.isKnown(name) else {
                throw LoadError(.invalidOption, "--line: unknown placeholder {\(name.prefix(40))} (known: "
                    + Self.placeholders.map { "{\($0)}" }.joined(separator: " ")
                    + ", each also as {orders.…} {reads.…} {report.…}, and "
                    + Self.totals.map { "{total.\($0)}" }.joined(separator: " ") + ")")
            }
            rest = rest[rest.index(after: close)...]
        }
        self.template = template
    }

    private static func isKnown(_ name: String) -> Bool {
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return placeholders.contains(name) }
        if parts[0] == "total" { return totals.contains(parts[1]) }
        return LoadOperation(rawValue: parts[0]) != nil && placeholders.contains(parts[1])
    }

    /// The template filled with `operation`'s figures (rates whole, latencies to 2 decimals).
    public func render(_ operation: OperationSummary) -> String {
        fill(Self.values(of: operation, prefix: ""))
    }

    /// The template filled from a whole run: unqualified placeholders from its first operation, `{reads.p50}` from
    /// the named one (zeros when the run had none), `{total.…}` summed over all.
    public func render(_ summary: LoadSummary) -> String {
        let first = summary.operations.first ?? OperationStats().summary(of: .orders, elapsed: .zero)
        var values = Self.values(of: first, prefix: "")
        for operation in LoadOperation.allCases {
            let figures = summary.operations.first { $0.operation == operation } ?? OperationStats().summary(of: operation, elapsed: .zero)
            values.merge(Self.values(of: figures, prefix: operation.rawValue + ".")) { $1 }
        }
        let sum = { (figure: (OperationSummary) -> Double) in summary.operations.reduce(0) { $0 + figure($1) } }
        values["total.rate"] = LoadReport.format(sum(\.requestsPerSecond), decimals: 0)
        values["total.ok_rate"] = LoadReport.format(sum(\.okPerSecond), decimals: 0)
        values["total.requests"] = String(Int(sum { Double($0.requests) }))
        values["total.ok"] = String(Int(sum { Double($0.ok) }))
        values["total.refused"] = String(Int(sum { Double($0.refused) }))
        values["total.failed"] = String(Int(sum { Double($0.failed) }))
        return fill(values)
    }

    private static func values(of operation: OperationSummary, prefix: String) -> [String: String] {
        let values: [String: String] = [
            "rate": LoadReport.format(operation.requestsPerSecond, decimals: 0),
            "ok_rate": LoadReport.format(operation.okPerSecond, decimals: 0),
            "p50": LoadReport.format(operation.latency.p50, decimals: 2),
            "p90": LoadReport.format(operation.latency.p90, decimals: 2),
            "p99": LoadReport.format(operation.latency.p99, decimals: 2),
            "p999": LoadReport.format(operation.latency.p999, decimals: 2),
            "max": LoadReport.format(operation.latency.max, decimals: 2),
            "requests": String(operation.requests), "ok": String(operation.ok),
            "refused": String(operation.refused), "failed": String(operation.failed),
        ]
        return Dictionary(uniqueKeysWithValues: values.map { (prefix + $0.key, $0.value) })
    }

    private func fill(_ values: [String: String]) -> String {
        var line = template
        // Longest names first, so `{p99}` never eats into `{orders.p99}`'s braces (they cannot overlap anyway).
        for (name, value) in values.sorted(by: { $0.key.count > $1.key.count }) {
            line = line.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return line
    }
}
