import ShopPostgres

/// The archive's migrations: ShopPostgres's `events` table, plus what archive-service's queries need.
public enum ArchiveSchema {
    /// Applied in order at start.
    public static let migrations: [PostgresMigration] = PostgresMigration.archive + [commitOrder, causation]

    /// Migration 100 (numbered clear of ShopPostgres's own): pages across every topic (`GET /events` without a topic) walk this index in commit order.
    static let commitOrder = PostgresMigration(
        version: 100, name: "events in commit order across topics",
        statements: ["CREATE INDEX events_commit_order ON events (entry_ms, entry_seq, topic)"])
}

extension ArchiveSchema {
    /// Migration 101: the causation id beside the correlation id, both indexed. `GET /events?correlation=` walks
    /// `events_correlation` in commit order; the causation tree finds an event's effects by `events_causation`.
    /// Events archived before it have a NULL causation id (and may have an empty correlation id): they still read.
    static let causation = PostgresMigration(
        version: 101, name: "causation id; correlation and causation indexed",
        statements: [
            "ALTER TABLE events ADD COLUMN causation_id text",
            "CREATE INDEX events_correlation ON events (correlation_id, entry_ms, entry_seq, topic)",
            "CREATE INDEX events_causation ON events (causation_id)",
        ])
}
