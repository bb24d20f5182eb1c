/// Every failure of ShopPostgres: a small code, the SQLSTATE when the server sent one, and a message.
///
/// `description` holds the code, SQLSTATE and primary message only; the server's detail and hint
/// (which may quote row values) stay in `detail`, for logs that may hold them.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidConfiguration, connectionFailed, connectionLost, unavailable, server
            case invalidParameter, decoding, clientClosed, migration, unexpectedResult
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// DATABASE_URL or another setting is malformed.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// Connecting failed (server down, wrong password, unknown database).
        public static let connectionFailed = Code(.connectionFailed)
        /// The connection broke while (or before) a statement ran; the statement's outcome is unknown.
        public static let connectionLost = Code(.connectionLost)
        /// The server was unreachable a moment ago; the client waits out its backoff before trying again.
        public static let unavailable = Code(.unavailable)
        /// The server refused the statement; `sqlState` says why.
        public static let server = Code(.server)
        /// A parameter cannot be sent (a NUL byte, too many parameters, a bad identifier).
        public static let invalidParameter = Code(.invalidParameter)
        /// A result column is missing or does not hold the requested type.
        public static let decoding = Code(.decoding)
        /// The client was shut down.
        public static let clientClosed = Code(.clientClosed)
        /// A migration is inconsistent with what the database recorded.
        public static let migration = Code(.migration)
        /// The server answered in a way this wrapper does not handle (COPY, an empty query).
        public static let unexpectedResult = Code(.unexpectedResult)

        public var description: String { base.rawValue }
    }

    /// The kind of failure, to branch on.
    public let code: Code
    /// The five-character SQLSTATE of a server error (`23505` unique violation, …), nil otherwise.
    public let sqlState: String?
    /// The primary message, safe to show in logs and errors.
    public let message: String
    /// The server's detail and hint; may contain data, so it is never part of `description`.
    public let detail: String?

    /// An error with the given parts.
    public init(_ code: Code, _ message: String, sqlState: String? = nil, detail: String? = nil) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
    }

    public var description: String {
        if let sqlState { return "PostgresError.\(code) [\(sqlState)]: \(message)" }
        return "PostgresError.\(code): \(message)"
    }

    /// True for SQLSTATE 23505: a row with the same key exists.
    public var isUniqueViolation: Bool { sqlState == "23505" }

    static func invalidConfiguration(_ message: String) -> PostgresError { PostgresError(.invalidConfiguration, message) }
    static func decoding(_ message: String) -> PostgresError { PostgresError(.decoding, message) }
    static func invalidParameter(_ message: String) -> PostgresError { PostgresError(.invalidParameter, message) }
}
