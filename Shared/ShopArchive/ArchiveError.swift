/// A failure of the archive: `code` says what a caller may act on, `message` explains it (safe to show for 400s).
public struct ArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Hashable {
        /// A query parameter is malformed or out of range (400).
        case badQuery
        /// Restore found Redis still holding a topic's data and was not told to replace it.
        case redisNotEmpty
        /// The archive holds something the archive cannot read back (a bad entry id, topic or action).
        case corruptArchive
    }

    public var code: Code
    public var message: String

    /// An error of the given kind.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
