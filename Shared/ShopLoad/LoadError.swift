/// What can go wrong in the load generator: bad options, a failed set-up, an answer it cannot read.
public struct LoadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, for callers that branch on it.
    public enum Code: String, Sendable, Equatable {
        case invalidMix
        case invalidOption
        case setupFailed
        case unexpectedResponse
    }

    public let code: Code
    public let message: String

    /// A failure with a message a user understands.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
