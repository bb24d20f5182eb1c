import Foundation
@testable import ShopEventStore
import ShopDomain
import Testing

@Suite("Entry ids and projection records")
struct EntryIDAndJSONTests {
    @Test("entry ids parse, print and order like Redis")
    func entryIDs() {
        #expect(EntryID("1700000000000-5") == EntryID(milliseconds: 1_700_000_000_000, sequence: 5))
        #expect(EntryID("12") == EntryID(milliseconds: 12, sequence: 0))
        #expect(EntryID("9-10")! > EntryID("9-9")!)
        #expect(EntryID("10-0")! > EntryID("9-99")!)
        for bad in ["", "-", "a-1", "1-b", "1-2-3", "-1-2"] { #expect(EntryID(bad) == nil) }
    }

    @Test("event ids are lowercase version-4 UUIDs, all different")
    func eventIDs() {
        let ids = (0..<1_000).map { _ in EntityID.make() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(50) {
            let parsed = UUID(uuidString: id)
            #expect(parsed?.uuidString.lowercased() == id)
            let characters = Array(id)
            #expect(characters[14] == "4")
            #expect("89ab".contains(characters[19]))
        }
        #expect(EntryID("18446744073709551616-0") == nil)   // overflow
    }

    @Test("entities split into projection fields with their values' text kept byte for byte; list items rewritten")
    func split() throws {
        let text = Array(#" { "id" : "a\"b", "n":-1.5e3, "product_ids":["x","y\/z"], "o":{"k":null}} "#.utf8)
        let record = try ProjectionRecord(entityJSON: text, schema: TopicSchema(listFields: ["product_ids"], uniqueField: "id"))
        #expect(record.fields.map(\.name) == ["id", "n", "o"])
        #expect(record.fields.map { String(decoding: $0.value, as: UTF8.self) } == [#""a\"b""#, "-1.5e3", #"{"k":null}"#])
        #expect(record.id == "a\"b" && record.uniqueValue == "a\"b")
        #expect(record.lists[0].items.map { String(decoding: $0, as: UTF8.self) } == [#""x""#, #""y\/z""#])
        #expect(String(decoding: record.json, as: UTF8.self) == #"{"id":"a\"b","n":-1.5e3,"o":{"k":null},"product_ids":["x","y\/z"]}"#)
    }

    @Test("malformed entity JSON is a corrupt event; deep nesting does not overflow the stack")
    func malformed() {
        let schema = TopicSchema(listFields: [], uniqueField: nil)
        for bad in ["", "[1]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":1} x", "{\"a\":\"unterminated}", "{\"a\":[1}", "{\"a\":1]}"] {
            #expect(throws: EventStoreError.self) { try ProjectionRecord(entityJSON: Array(bad.utf8), schema: schema) }
        }
        let deep = "{\"a\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        #expect(throws: EventStoreError.self) { try ProjectionRecord(entityJSON: Array(deep.utf8), schema: schema) }
        let unbalanced = "{\"a\":" + String(repeating: "[", count: 100_000) + "}"
        #expect(throws: EventStoreError.self) { try ProjectionRecord(entityJSON: Array(unbalanced.utf8), schema: schema) }
    }
}
