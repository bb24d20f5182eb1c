// ShopPostgres/Migrations: the schema's numbered migrations and how the client applies them once.

extension PostgresMigration {
    /// The event archive's schema, in order; archive-service applies it at start with `migrate(_:)`.
    public static let archive: [PostgresMigration] = [createEvents]

    /// Migration 1: the `events` table.
    ///
    /// Redis entry ids (`<ms>-<seq>`) do not sort as text (`"10-0" < "9-0"`), so two generated columns hold
    /// their numeric parts; `(entry_ms, entry_seq)` is the commit order within a topic and the pagination cursor.
    static let createEvents = PostgresMigration(
        version: 1, name: "create events",
        statements: [
            """
            CREATE TABLE events (
                event_id       uuid        PRIMARY KEY,
                topic          text        NOT NULL,
                action         text        NOT NULL,
                entry_id       text        NOT NULL CHECK (entry_id ~ '^[0-9]{1,19}-[0-9]{1,19}$'),
                aggregate_id   text        NOT NULL,
                version        bigint      NOT NULL,
                occurred_at    timestamptz NOT NULL,
                correlation_id text,
                entity         jsonb       NOT NULL,
                entry_ms       bigint      GENERATED ALWAYS AS (split_part(entry_id, '-', 1)::bigint) STORED,
                entry_seq      bigint      GENERATED ALWAYS AS (split_part(entry_id, '-', 2)::bigint) STORED
            )
            """,
            "CREATE INDEX events_topic_order ON events (topic, entry_ms, entry_seq)",
            "CREATE INDEX events_aggregate_order ON events (aggregate_id, entry_ms, entry_seq)",
            "CREATE INDEX events_entity ON events USING gin (entity jsonb_path_ops)",
        ])
}
