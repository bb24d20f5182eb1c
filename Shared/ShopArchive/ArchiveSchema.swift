import ShopPostgres

/// The archive's migrations: ShopPostgres's `events` table, plus what archive-service's queries need.
public enum ArchiveSchema {
    /// Applied in order at start.
    public static let migrations: [PostgresMigration] = PostgresMigration.archive + [commitOrder]

    /// Migration 100 (numbered clear of ShopPostgres's own): pages across every topic (`GET /events` without a topic) walk this index in commit order.
    static let commitOrder = PostgresMigration(
        version: 100, name: "events in commit order across topics",
        statements: ["CREATE INDEX events_commit_order ON events (entry_ms, entry_seq, topic)"])
}
