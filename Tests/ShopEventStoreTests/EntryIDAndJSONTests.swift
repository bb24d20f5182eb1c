import Foundation
@testable import ShopEventStore
import ShopDomain
import Testing

@Suite("Entry ids and raw JSON splitting")
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

    @Test("objects split into members with raw values; arrays into elements")
    func split() throws {
        let members = try RawJSON.members(of: Array(#" { "id" : "a\"b", "n":-1.5e3, "l":[1,[2,{"x":"]"}]], "o":{"k":null}} "#.utf8)[...])
        #expect(members.map(\.key) == ["id", "n", "l", "o"])
        #expect(members.map { String(decoding: $0.value, as: UTF8.self) } == [#""a\"b""#, "-1.5e3", #"[1,[2,{"x":"]"}]]"#, #"{"k":null}"#])
        #expect(RawJSON.string(members[0].value) == "a\"b")
        #expect(RawJSON.string(members[1].value) == nil)
        let elements = try RawJSON.elements(of: members[2].value)
        #expect(elements.map { String(decoding: $0, as: UTF8.self) } == ["1", #"[2,{"x":"]"}]"#])
        #expect(try RawJSON.elements(of: Array("[]".utf8)[...]).isEmpty)
        #expect(try RawJSON.members(of: Array("{}".utf8)[...]).isEmpty)
        #expect(RawJSON.encode("a\"\\\n\u{1}é") == Array(#""a\"\\\n\u0001é""#.utf8))
    }

    @Test("malformed JSON throws; deep nesting does not overflow the stack")
    func malformed() {
        for bad in ["", "[1]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":1} x", "{\"a\":\"unterminated}", "{\"a\":[1}", "{\"a\":1]}"] {
            #expect(throws: EventStoreError.self) { try RawJSON.members(of: Array(bad.utf8)[...]) }
        }
        let deep = "{\"a\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        #expect(throws: Never.self) { try RawJSON.members(of: Array(deep.utf8)[...]) }
        let unbalanced = "{\"a\":" + String(repeating: "[", count: 100_000) + "}"
        #expect(throws: EventStoreError.self) { try RawJSON.members(of: Array(unbalanced.utf8)[...]) }
    }
}
