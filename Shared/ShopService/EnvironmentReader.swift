import Foundation
import Logging

/// Reads typed values out of an environment dictionary; every error names the variable and the value.
struct EnvironmentReader: Sendable {
    let environment: [String: String]

    /// The trimmed value of `variable`, or nil when unset or empty (an empty variable means "use the default").
    func raw(_ variable: String) -> String? {
        guard let value = environment[variable]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            return nil
        }
        return value
    }

    func string(_ variable: String, default defaultValue: String) -> String {
        raw(variable) ?? defaultValue
    }

    func integer(_ variable: String, default defaultValue: Int, in range: ClosedRange<Int>) throws(ServiceError) -> Int {
        guard let text = raw(variable) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw .invalid(variable, "an integer from \(range.lowerBound) to \(range.upperBound)", got: text)
        }
        return value
    }

    func milliseconds(_ variable: String, default defaultValue: Int, in range: ClosedRange<Int>) throws(ServiceError) -> Duration {
        .milliseconds(try integer(variable, default: defaultValue, in: range))
    }

    func logLevel(_ variable: String, default defaultValue: Logger.Level) throws(ServiceError) -> Logger.Level {
        guard let text = raw(variable) else { return defaultValue }
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalid(variable, "one of \(names)", got: text)
        }
        return level
    }

    /// A `postgres://` or `postgresql://` URL; the archive's client checks the rest when it connects.
    func postgresURL(_ variable: String, default defaultValue: String) throws(ServiceError) -> String {
        guard let text = raw(variable) else { return defaultValue }
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"), text.count > "postgres://".count else {
            throw .invalid(variable, "a postgres://user@host:port/database URL", got: text)
        }
        return text
    }
}
