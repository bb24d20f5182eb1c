import Foundation
import ShopPostgres
import Testing

@Suite("Migrations and the events table")
struct PostgresMigrationTests {
    @Test("migrate applies once; running it again changes nothing")
    func idempotent() async throws {
        try await withTestClient { client, _ in
            #expect(try await client.migrate(PostgresMigration.archive) == [1])
            #expect(try await client.migrate(PostgresMigration.archive) == [])
            let recorded = try await client.query("SELECT version, name FROM schema_migrations ORDER BY version")
            #expect(try recorded.map { try $0.int("version") } == [1])
            let columns = try await client.query(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'events' ORDER BY ordinal_position")
            let types = Dictionary(uniqueKeysWithValues: try columns.map { (try $0.string("column_name"), try $0.string("data_type")) })
            #expect(types["event_id"] == "uuid" && types["entity"] == "jsonb" && types["version"] == "bigint")
            #expect(types["occurred_at"] == "timestamp with time zone" && types["correlation_id"] == "text")
            let indexes = try await client.query("SELECT indexdef FROM pg_indexes WHERE tablename = 'events'")
            let definitions = try indexes.map { try $0.string("indexdef") }
            #expect(definitions.contains { $0.contains("(topic, entry_ms, entry_seq)") })
            #expect(definitions.contains { $0.contains("(aggregate_id, entry_ms, entry_seq)") })
            #expect(definitions.contains { $0.contains("gin (entity jsonb_path_ops)") })
        }
    }

    @Test("several processes migrating at once: exactly one applies each migration")
    func concurrent() async throws {
        try await withTestClient { _, configuration in
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await withClient(configuration) { client in try await client.migrate(PostgresMigration.archive) }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(applied.filter { $0 == [1] }.count == 1)
            #expect(applied.filter { $0.isEmpty }.count == 3)
        }
    }

    @Test("a migration changed after it was applied stops the start; a failing one leaves no trace")
    func changedAndFailing() async throws {
        try await withTestClient { client, _ in
            let first = PostgresMigration(version: 1, name: "one", statements: ["CREATE TABLE one (n int)"])
            try await client.migrate([first])
            let edited = PostgresMigration(version: 1, name: "one", statements: ["CREATE TABLE one (n bigint)"])
            #expect((await #expect(throws: PostgresError.self) { try await client.migrate([edited]) })?.code == .migration)

            let broken = PostgresMigration(version: 2, name: "broken", statements: ["CREATE TABLE two (n int)", "CREATE TABLE two (n int)"])
            let error = await #expect(throws: PostgresError.self) { try await client.migrate([first, broken]) }
            #expect(error?.code == .migration && error?.sqlState == "42P07")
            #expect(try await client.query("SELECT to_regclass('two') IS NULL AS gone")[0].bool("gone"))
            #expect(try await client.query("SELECT count(*) AS n FROM schema_migrations")[0].int("n") == 1)
            // The advisory lock was given back: another migration can run.
            let fixed = PostgresMigration(version: 2, name: "fixed", statements: ["CREATE TABLE two (n int)"])
            #expect(try await client.migrate([first, fixed]) == [2])
        }
    }

    @Test("events: commit order by numeric entry id, per-aggregate reads, JSONB containment")
    func eventsTable() async throws {
        try await withTestClient { client, _ in
            try await client.migrate(PostgresMigration.archive)
            let batch = try PostgresBatchInsert(
                into: "events",
                columns: ["event_id", "topic", "action", "entry_id", "aggregate_id", "version", "occurred_at", "correlation_id", "entity"],
                onConflict: .doNothing)
            let aggregate = UUID().uuidString.lowercased()
            let entries = ["9-5", "10-0", "1732536000000-0", "1732536000000-12", "1732536000000-2"]
            let rows: [[PostgresValue?]] = entries.enumerated().map { index, entry in
                [.uuid(UUID().uuidString), "order", index == 0 ? "created" : "updated", .text(entry), .text(aggregate),
                 .int(Int64(index + 1)), .timestamp(Date()), nil,
                 .json(#"{"id": "\#(aggregate)", "customer_id": "c\#(index % 2)", "product_ids": ["p\#(index)"]}"#)]
            }
            #expect(try await client.insert(batch, rows: rows) == 5)
            #expect(try await client.insert(batch, rows: rows) == 0)

            let ordered = try await client.query(
                "SELECT entry_id FROM events WHERE topic = $1 ORDER BY entry_ms, entry_seq", ["order"])
            #expect(try ordered.map { try $0.string("entry_id") } == ["9-5", "10-0", "1732536000000-0", "1732536000000-2", "1732536000000-12"])
            let page = try await client.query(
                "SELECT entry_id FROM events WHERE aggregate_id = $1 AND (entry_ms, entry_seq) > ($2, $3) ORDER BY entry_ms, entry_seq LIMIT 2",
                [.text(aggregate), 10, 0])
            #expect(try page.map { try $0.string("entry_id") } == ["1732536000000-0", "1732536000000-2"])
            let contained = try await client.query(
                "SELECT count(*) AS n FROM events WHERE entity @> $1::jsonb", [.json(#"{"customer_id": "c1"}"#)])
            #expect(try contained[0].int("n") == 2)
            let bad = await #expect(throws: PostgresError.self) {
                try await client.query("INSERT INTO events (event_id, topic, action, entry_id, aggregate_id, version, occurred_at, entity) "
                                       + "VALUES ($1, 't', 'created', $2, 'a', 1, now(), '{}')", [.uuid(UUID().uuidString), "x'; --"])
            }
            #expect(bad?.code == .server)
        }
    }
}
