import Foundation
import ShopPostgres
import Testing

@Suite("PostgresClient against a real server")
struct PostgresClientTests {
    @Test("connects and reads typed values back")
    func typedRoundTrip() async throws {
        try await withTestClient { client, _ in
            let when = Date(timeIntervalSince1970: 1_795_607_161.123456)
            let rows = try await client.query(
                """
                SELECT $1::text AS name, $2::bigint AS count, $3::boolean AS flag, $4::jsonb AS doc, $5::uuid AS id,
                       $6::timestamptz AS at, $7::float8 AS ratio, NULL::text AS missing
                """,
                ["Alice", 42, true, .json(#"{"b": 1, "a": [1, 2]}"#), .uuid("0A6E5C12-3B4D-4E5F-8A9B-0C1D2E3F4A5B"), .timestamp(when), 0.25])
            #expect(rows.count == 1)
            #expect(rows.columnNames == ["name", "count", "flag", "doc", "id", "at", "ratio", "missing"])
            let row = try #require(rows.first)
            #expect(try row.string("name") == "Alice")
            #expect(try row.int("count") == 42)
            #expect(try row.bool("flag") == true)
            #expect(try row.json("doc") == #"{"a": [1, 2], "b": 1}"#)
            #expect(try row.uuid("id") == "0a6e5c12-3b4d-4e5f-8a9b-0c1d2e3f4a5b")
            #expect(abs(try row.timestamp("at").timeIntervalSince1970 - when.timeIntervalSince1970) < 0.000_001)
            #expect(try row.double("ratio") == 0.25)
            #expect(try row.decode("missing", as: String?.self) == nil)
            #expect(try row.isNull("missing"))
            #expect((#expect(throws: PostgresError.self) { try row.string("missing") })?.code == .decoding)
            #expect((#expect(throws: PostgresError.self) { try row.int("name") })?.code == .decoding)
            #expect((#expect(throws: PostgresError.self) { try row.string("no_such_column") })?.code == .decoding)
        }
    }

    @Test("injection strings in parameters are stored and matched as plain text")
    func injectionIsInert() async throws {
        try await withTestClient { client, _ in
            _ = try await client.query("CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)")
            let hostile = [
                "Robert'); DROP TABLE notes;--", "' OR '1'='1", "$1", "\\'; SELECT pg_sleep(10); --", "\"; DELETE FROM notes; --",
                "💥 ünïcödé", "line\nbreak", String(repeating: "x", count: 100_000),
            ]
            for text in hostile { _ = try await client.query("INSERT INTO notes (body) VALUES ($1)", [.text(text)]) }
            let rows = try await client.query("SELECT body FROM notes ORDER BY id")
            #expect(try rows.map { try $0.string("body") } == hostile)
            let match = try await client.query("SELECT count(*) AS n FROM notes WHERE body = $1", ["' OR '1'='1"])
            #expect(try match[0].int("n") == 1)
            // A NUL byte cannot travel in PostgreSQL text: refused before sending, not truncated.
            let nul = await #expect(throws: PostgresError.self) { try await client.query("SELECT $1::text", ["a\u{0}b"]) }
            #expect(nul?.code == .invalidParameter)
            #expect(try await client.query("SELECT count(*) AS n FROM notes")[0].int("n") == hostile.count)
        }
    }

    @Test("a unique violation carries SQLSTATE 23505; the description leaves out the row's values")
    func uniqueViolation() async throws {
        try await withTestClient { client, _ in
            _ = try await client.query("CREATE TABLE accounts (email text PRIMARY KEY)")
            _ = try await client.query("INSERT INTO accounts VALUES ($1)", ["secret-person@example.com"])
            let error = await #expect(throws: PostgresError.self) {
                try await client.query("INSERT INTO accounts VALUES ($1)", ["secret-person@example.com"])
            }
            #expect(error?.code == .server)
            #expect(error?.sqlState == "23505")
            #expect(error?.isUniqueViolation == true)
            #expect(error?.detail?.contains("secret-person@example.com") == true)
            #expect(error?.description.contains("secret-person") == false)
            let syntax = await #expect(throws: PostgresError.self) { try await client.query("SELEC 1") }
            #expect(syntax?.sqlState == "42601")
            // The connection that saw the errors still works.
            #expect(try await client.query("SELECT count(*) AS n FROM accounts")[0].int("n") == 1)
        }
    }

    @Test("withTransaction commits on success and rolls back on any error")
    func transactions() async throws {
        struct Abort: Error {}
        try await withTestClient { client, _ in
            _ = try await client.query("CREATE TABLE ledger (entry text PRIMARY KEY)")
            let committed = try await client.withTransaction { connection in
                _ = try await connection.query("INSERT INTO ledger VALUES ($1)", ["kept-1"])
                return try await connection.query("INSERT INTO ledger VALUES ($1)", ["kept-2"]).affectedRows
            }
            #expect(committed == 1)
            await #expect(throws: Abort.self) {
                try await client.withTransaction { connection in
                    _ = try await connection.query("INSERT INTO ledger VALUES ($1)", ["thrown-away"])
                    throw Abort()
                }
            }
            let failed = await #expect(throws: PostgresError.self) {
                try await client.withTransaction { connection in
                    _ = try await connection.query("INSERT INTO ledger VALUES ($1)", ["also-thrown-away"])
                    _ = try await connection.query("INSERT INTO ledger VALUES ($1)", ["kept-1"])
                }
            }
            #expect(failed?.isUniqueViolation == true)
            let rows = try await client.query("SELECT entry FROM ledger ORDER BY entry")
            #expect(try rows.map { try $0.string("entry") } == ["kept-1", "kept-2"])
            // A connection left inside a transaction is rolled back before anyone else gets it.
            try await client.withConnection { connection in
                _ = try await connection.query("BEGIN")
                _ = try await connection.query("INSERT INTO ledger VALUES ($1)", ["left-open"])
            }
            for _ in 0..<8 { _ = try await client.query("SELECT 1") }
            #expect(try await client.query("SELECT count(*) AS n FROM ledger WHERE entry = $1", ["left-open"])[0].int("n") == 0)
        }
    }

    @Test("batch insert: one statement, ON CONFLICT DO NOTHING makes repeats idempotent, big batches split atomically")
    func batchInsert() async throws {
        try await withTestClient { client, _ in
            _ = try await client.query("CREATE TABLE items (id bigint PRIMARY KEY, name text, doc jsonb)")
            let batch = try PostgresBatchInsert(into: "items", columns: ["id", "name", "doc"], onConflict: .doNothing)
            let rows: [[PostgresValue?]] = (1...3).map { [.int(Int64($0)), .text("item'\($0)"), .json(#"{"n": \#($0)}"#)] }
            #expect(try await client.insert(batch, rows: rows) == 3)
            #expect(try await client.insert(batch, rows: rows) == 0)
            let big = (10..<30_010).map { [PostgresValue.int(Int64($0)), .text("n\($0)"), nil] }  // 90,000 parameters
            #expect(try await client.insert(batch, rows: big) == 30_000)
            #expect(try await client.query("SELECT count(*) AS n FROM items")[0].int("n") == 30_003)
            // A failing split batch leaves nothing behind.
            let strict = try PostgresBatchInsert(into: "items", columns: ["id", "name", "doc"])
            let failing = (40_000..<70_000).map { [PostgresValue.int(Int64($0)), .text("x"), nil] } + [[.int(1), .text("dup"), nil]]
            let error = await #expect(throws: PostgresError.self) { try await client.insert(strict, rows: failing) }
            #expect(error?.isUniqueViolation == true)
            #expect(try await client.query("SELECT count(*) AS n FROM items")[0].int("n") == 30_003)
        }
    }
}
