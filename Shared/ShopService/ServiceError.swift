import ShopDomain
/// An error of the service runtime: a bad configuration value, or a readiness check that failed.
public struct ServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: Sendable, Equatable {
        /// An environment variable holds a value the runtime cannot use.
        case invalidConfiguration
        /// A readiness check failed or took too long.
        case notReady
        /// The runtime was used in a way it does not support (e.g. `run()` twice).
        case misuse
    }

    public var code: Code
    /// The environment variable at fault, for `.invalidConfiguration`.
    public var variable: String?
    public var message: String

    public init(_ code: Code, variable: String? = nil, _ message: String) {
        self.code = code
        self.variable = variable
        self.message = message
    }

    public var description: String { message }

    static func invalid(_ variable: String, _ expectation: String, got value: String) -> ServiceError {
        ServiceError(.invalidConfiguration, variable: variable, "\(variable) must be \(expectation), got \"\(value)\"")
    }

    /// A bad `<NAME>_URL`, as the service runtime reports every bad variable.
    init(_ error: ServiceURLError) {
        self.init(.invalidConfiguration, variable: error.variable, error.description)
    }
}
