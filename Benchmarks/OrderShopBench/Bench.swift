import Foundation

/// What the `bench-*` commands share: where Redis is by default and how a side-by-side figure is printed.
enum Bench {
    /// `REDIS_URL`, else a local Redis on the default port.
    static var redisURL: String { ProcessInfo.processInfo.environment["REDIS_URL"] ?? "redis://127.0.0.1:6379" }

    /// `NAME: ours=N/s reference=N/s ratio=R`, the line scripts and BENCHMARKS.md read; n/a without a reference.
    static func comparisonLine(_ name: String, ours: Double, reference: Double?) -> String {
        guard let reference, reference > 0 else { return "\(name): ours=\(Int(ours))/s reference=n/a ratio=n/a" }
        return "\(name): ours=\(Int(ours))/s reference=\(Int(reference))/s ratio=\(String(format: "%.2f", ours / reference))"
    }
}
