import Foundation

/// Where the nine are reached: `<NAME>_URL` names one `http://host:port` base URL or several separated by commas
/// (the instances of one service). Read here for the services (through `ServiceConfig`) and for the client alike.
extension ServiceName {
    /// Every instance of every service as `environment` names them, with the local defaults for those unset or empty.
    public static func instanceURLs(environment: [String: String]) throws(ServiceURLError) -> [ServiceName: [String]] {
        var urls: [ServiceName: [String]] = [:]
        for service in allCases {
            urls[service] = try httpURLs(environment[service.urlVariable], variable: service.urlVariable,
                                         default: service.defaultURL)
        }
        return urls
    }

    /// The first instance of every service (the one a client that wants one address takes).
    public static func urls(environment: [String: String]) throws(ServiceURLError) -> [ServiceName: String] {
        try instanceURLs(environment: environment).compactMapValues(\.first)
    }

    /// One or more `http://host:port` base URLs separated by commas; `[defaultValue]` when `text` is nil or blank.
    public static func httpURLs(_ text: String?, variable: String, default defaultValue: String) throws(ServiceURLError) -> [String] {
        guard let text = trimmed(text) else { return [defaultValue] }
        let expectation = "an http://host:port URL, or several separated by commas (the instances of one service)"
        var urls: [String] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let url = try httpURL(trimmed(String(part)) ?? "", variable: variable, expectation: expectation)
            guard !urls.contains(url) else { throw ServiceURLError(variable: variable, expectation: expectation + ", each once", value: text) }
            urls.append(url)
        }
        return urls
    }

    /// One `http://host:port` base URL (no path), as the HTTP client takes it.
    public static func httpURL(_ text: String, variable: String,
                               expectation: String = "an http://host:port URL") throws(ServiceURLError) -> String {
        guard text.hasPrefix("http://") else { throw ServiceURLError(variable: variable, expectation: expectation, value: text) }
        var authority = text.dropFirst("http://".count)
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[0].contains("/"),
              let port = Int(parts[1]), (1...65535).contains(port)
        else { throw ServiceURLError(variable: variable, expectation: expectation, value: text) }
        return "http://\(parts[0]):\(port)"
    }

    /// The value without surrounding spaces, or nil when nothing is left (an empty variable means its default).
    private static func trimmed(_ text: String?) -> String? {
        guard let value = text?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }
}

/// A `<NAME>_URL` that is not what it must be; the message names the variable and the value.
public struct ServiceURLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The variable at fault, e.g. `ORDER_SERVICE_URL`.
    public var variable: String
    /// What it must hold.
    public var expectation: String
    /// What it held.
    public var value: String

    public var description: String { "\(variable) must be \(expectation), got \"\(value)\"" }
}
