import Foundation

/// A one-line report filled from a run's first operation, for benchmark scripts:
/// `orders-c16: ok={ok_rate}/s p50={p50} ms p99={p99} ms`.
public struct SummaryLine: Sendable, Equatable {
    /// The placeholders a template may use: rates per second, latencies in milliseconds, counts.
    public static let placeholders = ["rate", "ok_rate", "p50", "p90", "p99", "p999", "max", "requests", "ok", "refused", "failed"]

    /// The line with `{placeholder}`s.
    public let template: String

    /// A template whose every `{name}` is a known placeholder.
    public init(template: String) throws(LoadError) {
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw LoadError(.invalidOption, "--line: '{' without '}'")
            }
            let name = String(rest[rest.index(after: open)..<close])
            guard Self.placeholders.contains(name) else {
                throw LoadError(.invalidOption, "--line: unknown placeholder {\(name.prefix(40))} (known: "
                    + Self.placeholders.map { "{\($0)}" }.joined(separator: " ") + ")")
            }
            rest = rest[rest.index(after: close)...]
        }
        self.template = template
    }

    /// The template filled with `operation`'s figures (rates whole, latencies to 2 decimals).
    public func render(_ operation: OperationSummary) -> String {
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
        var line = template
        for (name, value) in values { line = line.replacingOccurrences(of: "{\(name)}", with: value) }
        return line
    }
}
