import Testing
import ShopDomain

@Suite struct EntityIDTests {
    @Test func makesDistinctLowercaseUUIDs() throws {
        let ids = (0..<100).map { _ in EntityID.make() }
        #expect(Set(ids).count == 100)
        for id in ids {
            #expect(try EntityID.validate(id) == id)
            #expect(id == id.lowercased())
        }
    }

    @Test func normalisesUppercaseToLowercase() throws {
        #expect(try EntityID.validate("3F2504E0-4F89-41D3-9A0C-0305E82C3301") == uuidA)
    }

    @Test(arguments: [
        "", "abc", "3f2504e04f8941d39a0c0305e82c3301", "{3f2504e0-4f89-41d3-9a0c-0305e82c3301}",
        "3f2504e0-4f89-41d3-9a0c-0305e82c330", "3f2504e0-4f89-41d3-9a0c-0305e82c33011", "3f2504e0_4f89-41d3-9a0c-0305e82c3301",
        "3f2504e0-4f89-41d3-9a0c-0305e82c330z", " 3f2504e0-4f89-41d3-9a0c-0305e82c330", "3f2504e0-4f89-41d3-9a0c-0305e82c33é",
        "../../../etc/passwd", "3f2504e0-4f89-41d3-9a0c-0305e82c3301\n",
    ])
    func rejectsAnythingButAUUID(text: String) {
        #expect(EntityID.normalize(text) == nil)
        #expect(throws: ValidationError.self) { try EntityID.validate(text) }
    }

    @Test func explainsWhatAnIdLooksLike() {
        #expect(throws: ValidationError(.invalidValue, #""42" is not a valid id: ids are UUIDs like \#(uuidA)"#)) {
            try EntityID.validate("42")
        }
        // Control characters are shown escaped, and long input is cut short, so a message stays one readable line.
        #expect(throws: ValidationError(.invalidValue, #""a\nb" is not a valid id: ids are UUIDs like \#(uuidA)"#)) {
            try EntityID.validate("a\nb")
        }
        #expect(throws: ValidationError(.invalidValue, "\"\(String(repeating: "z", count: 40))…\" is not a valid id: ids are UUIDs like \(uuidA)")) {
            try EntityID.validate(String(repeating: "z", count: 10_000))
        }
    }
}
