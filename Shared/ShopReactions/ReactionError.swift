/// Why a reaction could not send its message; the consumer retries it and dead-letters it after the last delivery.
public struct ReactionError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for code that must tell the cases apart.
    public enum Code: Sendable, Equatable {
        /// msg-service refused or failed the message (4xx, 500): after its last delivery it ends in the dead letters.
        case rejected(status: UInt)
        /// msg-service could not be reached or is overloaded (502–504, timeout): waited for, not counted.
        case unavailable
        /// An entity the message needs is neither in the projection nor in its topic's deleted events.
        case missingEntity
        /// The event does not hold what its topic promises.
        case malformedEvent
    }

    /// The kind of failure.
    public let code: Code
    /// The text for the log.
    public let message: String

    /// A failure of `code` described by `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
