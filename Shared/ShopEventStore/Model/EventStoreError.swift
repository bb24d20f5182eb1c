import ShopRedis

/// A failure of the event store; `code` says what a caller may act on (409, 404, …), `message` explains it.
public struct EventStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, with what a service needs to answer the client.
    public enum Code: Sendable, Hashable {
        /// The aggregate's version is not the expected one (409).
        case versionConflict(aggregateID: String)
        /// Another live entity already holds this value of a unique field (409).
        case duplicate(field: String)
        /// Not enough stock (or no inventory at all) for this product (409).
        case outOfStock(productID: String)
        /// The order already holds a different reservation (409).
        case alreadyReserved(orderID: String)
        /// No live entity with this id (404).
        case notFound(aggregateID: String)
        /// A create for an id that is already live (409).
        case alreadyExists(aggregateID: String)
        /// A stored entry that cannot be read (bad fields, bad JSON, bad gzip).
        case corruptEvent
        /// The caller passed something the store cannot write (not a JSON object, bad id, empty batch).
        case invalidInput
        /// Events were appended while a rebuild ran; it gave up after retrying.
        case concurrentWrites
        /// Redis answered something the store did not expect.
        case unexpectedReply
        /// Redis cannot be reached now, or answered that it cannot serve now (loading, failing over): try again (503).
        case unavailable
        /// The connection was lost after the command went out: it may or may not have run.
        case outcomeUnknown
        /// The write ran on the primary, but fewer replicas than asked confirmed it in time: it happened, and may be
        /// lost if the primary fails now (503; never undone as if it had not happened).
        case notReplicated
        /// Redis answered a command with an error reply the store has no meaning for (its first word, e.g. `NOGROUP`).
        case refused(prefix: String)
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation, safe to show a client for the 4xx codes.
    public var message: String

    /// An error of the given kind.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// Whether the write certainly did not happen, so what was prepared for it may be undone: false when the
    /// connection broke after the command was sent (only a later check can tell) and when it ran unconfirmed.
    public static func isDefinite(_ error: any Error) -> Bool {
        let code = (error as? EventStoreError)?.code
        return code != .outcomeUnknown && code != .notReplicated
    }
}

extension EventStoreError {
    /// Maps the typed error replies of our scripts (`VERSION id`, `DUPLICATE field value`, …) to store errors.
    static func fromScript(_ error: RedisServerError) -> EventStoreError? {
        let words = error.message.split(separator: " ", maxSplits: 2).map(String.init)
        let first = words.first ?? ""
        let second = words.count > 1 ? words[1] : ""
        switch error.prefix {
        case "VERSION":
            return EventStoreError(.versionConflict(aggregateID: first),
                                   "version conflict on \(first): expected \(second), is \(words.count > 2 ? words[2] : "?")")
        case "DUPLICATE":
            return EventStoreError(.duplicate(field: first), "another entity already has \(first) \(second)")
        case "OUTOFSTOCK":
            return EventStoreError(.outOfStock(productID: first), "not enough stock for product \(first)")
        case "RESERVED":
            return EventStoreError(.alreadyReserved(orderID: first), "order \(first) already holds a different reservation")
        case "NOTFOUND":
            return EventStoreError(.notFound(aggregateID: first), "no entity with id \(first)")
        case "EXISTS":
            return EventStoreError(.alreadyExists(aggregateID: first), "an entity with id \(first) already exists")
        case "INVALID":
            return EventStoreError(.invalidInput, "invalid append: \(error.message)")
        case "MOVED_ON":
            return EventStoreError(.concurrentWrites, "events were appended during the rebuild")
        default:
            return nil
        }
    }
}
