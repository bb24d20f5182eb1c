/// A failure of the client itself (not an error reply): connection, timeout, protocol, configuration.
public struct RedisClientError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: String, Sendable { case connectionClosed, timeout, unavailable, protocolError, invalidConfiguration, invalidArgument, unexpectedReply, shutdown, unroutable, notReplicated }
        let base: Base
        /// The connection closed before the reply arrived; the command may or may not have run.
        public static let connectionClosed = Code(base: .connectionClosed)
        /// No reply (or no connection) within the configured time.
        public static let timeout = Code(base: .timeout)
        /// No connection to Redis is available right now (Redis down, reconnecting, or `run()` not started).
        public static let unavailable = Code(base: .unavailable)
        /// The server sent bytes that are not valid RESP, or exceeded a decoder limit.
        public static let protocolError = Code(base: .protocolError)
        /// A bad `REDIS_URL` or option.
        public static let invalidConfiguration = Code(base: .invalidConfiguration)
        /// A helper was called with arguments Redis would reject (e.g. two trim strategies at once).
        public static let invalidArgument = Code(base: .invalidArgument)
        /// A reply of a shape a typed helper did not expect.
        public static let unexpectedReply = Code(base: .unexpectedReply)
        /// The client was shut down.
        public static let shutdown = Code(base: .shutdown)
        /// On a cluster: the command's keys hash to different slots, or a key is needed and none was given.
        /// Never sent to Redis (it would answer `CROSSSLOT`): a bug in the caller.
        public static let unroutable = Code(base: .unroutable)
        /// A write ran on the primary, but fewer replicas than required acknowledged it in time (`WAIT`): it may be
        /// lost if the primary fails now. Not a refusal: the write happened.
        public static let notReplicated = Code(base: .notReplicated)
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// A human-readable explanation.
    public var message: String

    /// An error of the given kind.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "Redis \(code): \(message)" }
}
