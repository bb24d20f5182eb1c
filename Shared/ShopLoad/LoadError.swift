/// What can go wrong in the load generator: bad options, a failed set-up, an answer it cannot read.
public struct LoadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, for callers that branch on it.
    public enum Code: String, Sendable, Equatable {
        case invalidMix
        case invalidOption
        case setupFailed
        case unexpectedResponse
    }

    /// What kind of failure this is.
    public let code: Code
    /// What went wrong, for the user.
    public let message: String

    /// A failure with a message a user understands.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message alone: it is written for users.
    public var description: String { message }
}
