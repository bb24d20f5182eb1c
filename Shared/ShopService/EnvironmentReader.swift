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

    /// An `http://host:port` base URL (no path), as the HTTP client takes it.
    func httpURL(_ variable: String, default defaultValue: String) throws(ServiceError) -> String {
        guard let text = raw(variable) else { return defaultValue }
        return try Self.httpURL(text, variable: variable, expectation: "an http://host:port URL")
    }

    /// One or more `http://host:port` base URLs separated by commas: the instances of one service.
    func httpURLs(_ variable: String, default defaultValue: String) throws(ServiceError) -> [String] {
        guard let text = raw(variable) else { return [defaultValue] }
        let expectation = "an http://host:port URL, or several separated by commas (the instances of one service)"
        var urls: [String] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let url = try Self.httpURL(part.trimmingCharacters(in: .whitespaces), variable: variable, expectation: expectation)
            guard !urls.contains(url) else { throw .invalid(variable, expectation + ", each once", got: text) }
            urls.append(url)
        }
        return urls
    }

    private static func httpURL(_ text: String, variable: String, expectation: String) throws(ServiceError) -> String {
        guard text.hasPrefix("http://") else { throw .invalid(variable, expectation, got: text) }
        var authority = text.dropFirst("http://".count)
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[0].contains("/"),
              let port = Int(parts[1]), (1...65535).contains(port)
        else { throw .invalid(variable, expectation, got: text) }
        return "http://\(parts[0]):\(port)"
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
