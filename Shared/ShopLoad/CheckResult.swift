/// The verdict of one correctness check, with what it saw.
public struct CheckResult: Sendable, Codable, Equatable {
    /// A stable name, e.g. `stock-conserved`.
    public var name: String
    /// True when the shop passed (or the check was skipped).
    public var passed: Bool
    /// True when the check could not run (its data was not available); a skipped check does not fail the run.
    public var skipped: Bool
    /// What was compared, or the first offenders when it failed.
    public var detail: String

    /// A verdict as the check reached it.
    public init(name: String, passed: Bool, skipped: Bool = false, detail: String) {
        self.name = name
        self.passed = passed
        self.skipped = skipped
        self.detail = detail
    }

    /// A check that could not run, and why.
    public static func skipped(_ name: String, because reason: String) -> CheckResult {
        CheckResult(name: name, passed: true, skipped: true, detail: reason)
    }
}
