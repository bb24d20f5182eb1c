import Foundation

/// The human-readable lines of a run: the progress line each second and the final summary.
public enum LoadReport {
    /// One progress line: elapsed time, the last second's rate, errors and the p99 so far; in the open model also
    /// how many requests already due have not come back (in flight or not yet sent).
    public static func progressLine(elapsed: Duration, requests: Int, intervalRate: Double, errors: Int,
                                    p99Milliseconds: Double, behind: Int? = nil) -> String {
        "[\(format(elapsed.secondsDouble, decimals: 0, width: 3)) s] \(format(intervalRate, decimals: 0, width: 6)) req/s"
            + "  total=\(requests)  errors=\(errors)  p99=\(format(p99Milliseconds, decimals: 2)) ms"
            + (behind.map { "  behind=\(Swift.max(0, $0))" } ?? "")
    }

    /// The final summary: how the run was driven, a table of operations, status counts, and the checks.
    public static func text(_ summary: LoadSummary) -> String {
        var lines: [String] = []
        let rate = summary.targetRate.map { ", target \(format($0, decimals: 0)) req/s" } ?? ""
        lines.append("\(summary.model) model, \(summary.connections) connections\(rate), mix \(summary.mix), "
            + "\(format(summary.durationSeconds, decimals: 1)) s")
        let header = ["operation", "requests", "req/s", "ok/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms"]
        var rows = [header]
        for operation in summary.operations {
            let latency = operation.latency
            rows.append([operation.operation.rawValue, String(operation.requests),
                         format(operation.requestsPerSecond, decimals: 1), format(operation.okPerSecond, decimals: 1),
                         format(latency.p50, decimals: 2), format(latency.p90, decimals: 2), format(latency.p99, decimals: 2),
                         format(latency.p999, decimals: 2), format(latency.max, decimals: 2)])
        }
        lines += table(rows)
        for operation in summary.operations {
            let statuses = operation.statusCounts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            lines.append("\(operation.operation.rawValue) statuses: \(statuses.joined(separator: " "))"
                + " (ok=\(operation.ok) refused=\(operation.refused) failed=\(operation.failed))")
        }
        if summary.unsent > 0 {
            lines.append("\(summary.unsent) requests fell due but were never sent: the shop was that far behind when the run ended")
        }
        lines.append("checks:")
        for check in summary.checks {
            let verdict = check.skipped ? "SKIP" : (check.passed ? "PASS" : "FAIL")
            lines.append("  \(verdict) \(check.name): \(check.detail)")
        }
        lines.append(summary.passed ? "all checks passed" : "CHECKS FAILED")
        return lines.joined(separator: "\n")
    }

    /// The summary as JSON (keys sorted, so runs diff cleanly).
    public static func json(_ summary: LoadSummary) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try encoder.encode(summary), as: UTF8.self)
    }

    /// Columns padded to their widest cell, the first left-aligned, the others right-aligned.
    static func table(_ rows: [[String]]) -> [String] {
        guard let columns = rows.map(\.count).max() else { return [] }
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }
    }

    /// A number with a fixed count of decimals, right-aligned to `width` characters.
    static func format(_ value: Double, decimals: Int, width: Int = 0) -> String {
        let text = String(format: "%.\(decimals)f", value)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
