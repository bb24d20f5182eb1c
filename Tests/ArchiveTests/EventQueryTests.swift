import ShopArchive
import ShopDomain
import ShopEventStore
import Testing

@Suite("GET /events parameters")
struct EventQueryTests {
    @Test func defaultsAndEveryParameter() throws {
        #expect(try EventQuery(parameters: [:]) == EventQuery(limit: 100))
        let query = try EventQuery(parameters: ["topic": "order", "action": "updated", "aggregate_id": "a-1", "after": "17-3:order",
                                                "limit": "10000", "contains": #"{"customer_id":"c"}"#])
        #expect(query == EventQuery(topic: .order, action: .updated, aggregateID: "a-1",
                                    after: EventCursor(entryID: EntryID(milliseconds: 17, sequence: 3), topic: .order),
                                    limit: 10_000, contains: #"{"customer_id":"c"}"#))
        #expect(try EventQuery(parameters: ["after": "17-3"]).after == EventCursor(entryID: EntryID(milliseconds: 17, sequence: 3), topic: nil))
    }

    @Test("bad values are refused with a message naming the parameter", arguments: [
        ("topic", "orders"), ("topic", ""), ("action", "create"), ("aggregate_id", ""), ("aggregate_id", String(repeating: "x", count: 201)), ("aggregate_id", "a\u{0}b"),
        ("after", "abc"), ("after", "17"), ("after", "17-3:nope"), ("after", "99999999999999999999-0"), ("after", "9223372036854775808-0"),
        ("limit", "0"), ("limit", "10001"), ("limit", "-1"), ("limit", "ten"), ("limit", "1.5"),
        ("contains", "[1]"), ("contains", "\"x\""), ("contains", "{"), ("contains", "null"), ("colour", "red"),
    ])
    func badValues(name: String, value: String) {
        #expect {
            try EventQuery(parameters: [name: value])
        } throws: { error in
            guard let error = error as? ArchiveError else { return false }
            return error.code == .badQuery && error.message.contains(name == "colour" ? "unknown parameter" : name)
        }
    }

    @Test func cursorRoundTrip() {
        let cursor = EventCursor(entryID: EntryID(milliseconds: 1_700_000_000_000, sequence: 12), topic: .billing)
        #expect(cursor.description == "1700000000000-12:billing")
        #expect(EventCursor(cursor.description) == cursor)
    }
}
