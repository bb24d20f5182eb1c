import Foundation
import ShopDomain
import ShopEventStore

/// The filters of `GET /events`, checked: every value is bounded and typed before it reaches SQL as a parameter.
public struct EventQuery: Sendable, Equatable {
    /// Largest page a caller may ask for.
    public static let maxLimit = 10_000
    /// Page size when `limit` is absent.
    public static let defaultLimit = 100
    /// The query parameters `GET /events` understands; anything else is refused, so a typo is not silently ignored.
    public static let parameterNames: Set<String> = ["topic", "action", "aggregate_id", "correlation", "after", "limit", "contains"]

    public var topic: Topic?
    public var action: EventAction?
    public var aggregateID: String?
    /// Only the events one request set off (`correlation_id`).
    public var correlationID: String?
    /// Only events after this position (exclusive) in commit order.
    public var after: EventCursor?
    public var limit: Int
    /// A JSON object the entity must contain (JSONB `@>`), as the caller wrote it.
    public var contains: String?

    /// A query from its parts.
    public init(topic: Topic? = nil, action: EventAction? = nil, aggregateID: String? = nil, correlationID: String? = nil,
                after: EventCursor? = nil, limit: Int = EventQuery.defaultLimit, contains: String? = nil) {
        self.topic = topic
        self.action = action
        self.aggregateID = aggregateID
        self.correlationID = correlationID
        self.after = after
        self.limit = limit
        self.contains = contains
    }

    /// Parses the query string of `GET /events`; a bad value is a `badQuery` error naming the parameter.
    public init(parameters: [String: String]) throws(ArchiveError) {
        if let unknown = parameters.keys.sorted().first(where: { !Self.parameterNames.contains($0) }) {
            throw ArchiveError(.badQuery, "unknown parameter '\(Self.quoted(unknown))'; known: topic, action, aggregate_id, correlation, after, limit, contains")
        }
        self.init()
        if let text = parameters["topic"] {
            guard let topic = Topic(rawValue: text) else {
                throw ArchiveError(.badQuery, "topic must be one of customer, product, inventory, order, billing, not '\(Self.quoted(text))'")
            }
            self.topic = topic
        }
        if let text = parameters["action"] {
            guard let action = EventAction(rawValue: text) else {
                throw ArchiveError(.badQuery, "action must be created, updated or deleted, not '\(Self.quoted(text))'")
            }
            self.action = action
        }
        if let text = parameters["aggregate_id"] {
            aggregateID = try Self.checkedID(text, name: "aggregate_id")
        }
        if let text = parameters["correlation"] {
            correlationID = try Self.checkedID(text, name: "correlation")
        }
        if let text = parameters["after"] {
            guard let cursor = EventCursor(text) else {
                throw ArchiveError(.badQuery, "after must be a cursor from 'next' or an entry id like 1700000000000-0, not '\(Self.quoted(text))'")
            }
            after = cursor
        }
        if let text = parameters["limit"] {
            guard let limit = Int(text), (1...Self.maxLimit).contains(limit) else {
                throw ArchiveError(.badQuery, "limit must be an integer from 1 to \(Self.maxLimit), not '\(Self.quoted(text))'")
            }
            self.limit = limit
        }
        if let text = parameters["contains"] {
            contains = try Self.checkedObject(text)
        }
    }

    /// An id parameter: 1 to 200 characters (Unicode scalars, like every length of the API; openapi.yaml:
    /// maxLength 200) without control characters.
    static func checkedID(_ text: String, name: String) throws(ArchiveError) -> String {
        guard !text.isEmpty, text.unicodeScalars.count <= 200,
              !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw ArchiveError(.badQuery, "\(name) must be 1 to 200 characters long, without control characters")
        }
        return text
    }

    /// `contains` must be one JSON object of at most 64 KiB.
    static func checkedObject(_ text: String) throws(ArchiveError) -> String {
        guard text.utf8.count <= 64 << 10 else { throw ArchiveError(.badQuery, "contains is longer than 64 KiB") }
        let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        guard parsed is [String: Any] else {
            throw ArchiveError(.badQuery, "contains must be a JSON object, e.g. {\"name\":\"Alice\"}")
        }
        return text
    }

    /// Caller text echoed in a message: cut short, control characters dropped.
    static func quoted(_ text: String) -> String {
        let clean = String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
        return clean.count > 60 ? String(clean.prefix(60)) + "…" : clean
    }
}
