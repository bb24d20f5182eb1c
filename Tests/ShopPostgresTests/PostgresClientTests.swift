import ShopPostgres
import Testing

@Suite("PostgresClient against a real server")
struct PostgresClientTests {
    @Test("connects and reads typed values back")
    func typedRoundTrip() async throws {
        try await withTestClient { client, _ in
            let rows = try await client.query(
                "SELECT $1::text AS name, $2::bigint AS count, $3::boolean AS flag, $4::jsonb AS doc, $5::uuid AS id, NULL::text AS missing",
                ["Alice", 42, true, .json(#"{"b": 1, "a": [1, 2]}"#), .uuid("0A6E5C12-3B4D-4E5F-8A9B-0C1D2E3F4A5B")])
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(try row.string("name") == "Alice")
            #expect(try row.int("count") == 42)
            #expect(try row.bool("flag") == true)
            #expect(try row.json("doc") == #"{"a": [1, 2], "b": 1}"#)
            #expect(try row.uuid("id") == "0a6e5c12-3b4d-4e5f-8a9b-0c1d2e3f4a5b")
            #expect(try row.decode("missing", as: String?.self) == nil)
            #expect(throws: PostgresError.self) { try row.string("missing") }
            #expect(throws: PostgresError.self) { try row.int("name") }
            #expect(throws: PostgresError.self) { try row.string("no_such_column") }
        }
    }
}
