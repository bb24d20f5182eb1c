import Foundation
import Logging
import ShopDomain
import ShopEventStore
import ShopPostgres

/// The `events` table: batch inserts that are idempotent per event id, and the reads `GET /events` and restore need.
public struct EventArchive: Sendable {
    public let postgres: PostgresClient
    let logger: Logger

    /// The archive in the database `postgres` is connected to.
    public init(postgres: PostgresClient, logger: Logger) {
        self.postgres = postgres
        self.logger = logger
    }

    /// Creates or upgrades the schema (idempotent; concurrent starters take turns on an advisory lock).
    public func migrate() async throws {
        try await postgres.migrate(ArchiveSchema.migrations)
    }

    static let insert: PostgresBatchInsert = {
        do {
            return try PostgresBatchInsert(
                into: "events",
                columns: ["event_id", "topic", "action", "entry_id", "aggregate_id", "version", "occurred_at", "correlation_id", "causation_id", "entity"],
                onConflict: .doNothing)
        } catch {
            preconditionFailure("constant table and column names are valid: \(error)")
        }
    }()

    /// Writes events in one statement (one transaction); an event already archived is skipped. Returns rows added.
    public func insert(_ events: [StoredEvent]) async throws -> Int {
        guard !events.isEmpty else { return 0 }
        return try await postgres.insert(Self.insert, rows: events.map(Self.row))
    }

    /// The row of one event: the entity as JSON text (PostgreSQL checks it is JSON), occurred_at from Unix ms.
    static func row(_ event: StoredEvent) -> [PostgresValue?] {
        [.uuid(event.eventID), .text(event.topic.rawValue), .text(event.action.rawValue), .text(event.entryID.description),
         .text(event.aggregateID), .int(Int64(event.version)),
         .timestamp(Date(timeIntervalSince1970: Double(event.occurredAt) / 1000)),
         .text(event.correlationID), event.causationID.isEmpty ? nil : .text(event.causationID),
         .json(String(decoding: event.entity, as: UTF8.self))]
    }

    /// One page of events matching `query`, in commit order.
    public func page(_ query: EventQuery) async throws -> EventPage {
        let statement = query.statement()
        let rows: PostgresRows
        do {
            rows = try await postgres.query(statement.sql, statement.parameters)
        } catch let error as PostgresError where error.sqlState?.hasPrefix("22") == true {
            // Data exceptions come from `contains` only (everything else is typed before it gets here).
            throw ArchiveError(.badQuery, "contains is not a JSON object PostgreSQL accepts")
        }
        var page = EventPage(events: [], eventJSON: [], next: nil)
        page.events.reserveCapacity(rows.count)
        page.eventJSON.reserveCapacity(rows.count)
        for row in rows {
            page.events.append(try Self.event(row))
            page.eventJSON.append(try row.string("json"))
        }
        if rows.count == query.limit, let last = page.events.last {
            page.next = EventCursor(entryID: last.entryID, topic: last.topic)
        }
        return page
    }

    /// Reads an event back from its row.
    static func event(_ row: PostgresRow) throws -> StoredEvent {
        let topicText = try row.string("topic"), actionText = try row.string("action"), entryText = try row.string("entry_id")
        guard let topic = Topic(rawValue: topicText), let action = EventAction(rawValue: actionText), let entryID = EntryID(entryText) else {
            throw ArchiveError(.corruptArchive, "archived event with topic '\(topicText)', action '\(actionText)', entry id '\(entryText)'")
        }
        return StoredEvent(archivedEventID: try row.string("event_id"), topic: topic, action: action, entryID: entryID,
                           aggregateID: try row.string("aggregate_id"), version: try row.int("version"),
                           occurredAt: try row.int64("occurred_ms"), correlationID: try row.decode("correlation_id", as: String?.self) ?? "",
                           causationID: try row.decode("causation_id", as: String?.self) ?? "",
                           entity: Array(try row.string("entity").utf8))
    }

    /// The newest entry id archived for `topic`, nil when it has no events.
    public func latestEntryID(of topic: Topic) async throws -> EntryID? {
        let rows = try await postgres.query(
            "SELECT entry_id FROM events WHERE topic = $1 ORDER BY entry_ms DESC, entry_seq DESC LIMIT 1", [.text(topic.rawValue)])
        return try rows.first.flatMap { EntryID(try $0.string("entry_id")) }
    }

    /// How many events the archive holds (for tests and the benchmark).
    public func count() async throws -> Int {
        try await postgres.query("SELECT count(*) AS n FROM events").first?.int("n") ?? 0
    }
}
