import Testing
import ShopDomain

@Suite struct CustomerDraftTests {
    @Test func acceptsTheOriginalClientsBodies() throws {
        let one = try postDrafts(#"{"name": "Abcdefghij", "email": "abcdefghij@server.com"}"#, CustomerDraft.self)
        #expect(one == [CustomerDraft(name: "Abcdefghij", email: "abcdefghij@server.com")])
        let many = try postDrafts(#"[{"name": "A", "email": "a@x.io"}, {"name": "B", "email": "b@x.io"}]"#, CustomerDraft.self)
        #expect(many.map(\.name) == ["A", "B"])
    }

    /// The entity's own `id` (of any type) is ignored, so a client may send back what it read; any other field is
    /// refused, so a misspelt field is not silently dropped (openapi.yaml: `additionalProperties: false`).
    @Test func ignoresTheIdAndRefusesUnknownFields() throws {
        let drafts = try postDrafts(#"{"id": 5, "name": "Ann", "email": "ann@x.io"}"#, CustomerDraft.self)
        #expect(drafts == [CustomerDraft(name: "Ann", email: "ann@x.io")])
        #expect(drafts[0].entity(id: uuidA) == Customer(id: uuidA, name: "Ann", email: "ann@x.io"))
        #expect(postError(#"{"name": "Ann", "email": "ann@x.io", "vip": [1, {"a": 2.5}]}"#, CustomerDraft.self)
                == #"unknown field "vip" in a customer: its fields are 'name', 'email'"#)
        let odd = #"[{"name": "Ann", "email": "ann@x.io"}, {"name": "Bo", "emial": "bo@x.io", "big": 1e400, "deep": [[[[1]]]]}]"#
        #expect(postError(odd, CustomerDraft.self) == #"item 2: unknown field "big" in a customer: its fields are 'name', 'email'"#)
    }

    @Test func countsTheLocalPartInCharacters() throws {
        let local = String(repeating: "é", count: 64)
        #expect(try postDrafts(#"{"name": "Zoë", "email": "\#(local)@x.io"}"#, CustomerDraft.self)[0].email == "\(local)@x.io")
        #expect(postError(#"{"name": "Zoë", "email": "\#(local)é@x.io"}"#, CustomerDraft.self) != nil)
    }

    /// Found by Schemathesis: "@" followed by a combining mark or an emoji modifier is one Character, so a split
    /// by characters found no "@" in an address the documented rule accepts.
    @Test func findsTheAtSignBeforeACombiningMark() throws {
        for email in ["ann@\u{1F3FB}x.io", "ann@\u{1D189}x.io", "ann@\u{301}x.io"] {
            #expect(try postDrafts(#"{"name": "Ann", "email": "\#(email)"}"#, CustomerDraft.self)[0].email == email)
        }
        #expect(postError(#"{"name": "Ann", "email": "ann\u0301x.io"}"#, CustomerDraft.self) != nil)
    }

    @Test func keepsUnicodeNamesExactly() throws {
        let drafts = try postDrafts(#"{"name": "Zoë \u00e9 😀", "email": "zoë@bücher.de"}"#, CustomerDraft.self)
        #expect(drafts[0].name == "Zoë é 😀")
    }

    @Test(arguments: [
        (#"{"email": "a@x.io"}"#, "missing field 'name'"),
        (#"{"name": "Ann"}"#, "missing field 'email'"),
        (#"{"name": null, "email": "a@x.io"}"#, "'name' must not be null"),
        (#"{"name": 42, "email": "a@x.io"}"#, "'name' must be a string, found the number 42"),
        (#"{"name": true, "email": "a@x.io"}"#, "'name' must be a string, found the boolean true"),
        (#"{"name": ["Ann"], "email": "a@x.io"}"#, "'name' must be a string, found an array"),
        (#"{"name": {"first": "Ann"}, "email": "a@x.io"}"#, "'name' must be a string, found an object"),
        (#"{"name": "", "email": "a@x.io"}"#, "'name' must not be empty"),
        (#"{"name": "   ", "email": "a@x.io"}"#, "'name' must not be empty"),
        (#"{"name": "Ann\nBob", "email": "a@x.io"}"#, "'name' must not contain control characters such as line breaks"),
        (#"{"name": "Ann", "email": ""}"#, "'email' must not be empty"),
        (#"{"name": "Ann", "email": "ann.example.com"}"#,
         #"'email' must be an e-mail address like name@example.com, found "ann.example.com""#),
        (#"{"name": "Ann", "email": "@example.com"}"#,
         #"'email' must be an e-mail address like name@example.com, found "@example.com""#),
        (#"{"name": "Ann", "email": "ann@"}"#, #"'email' must be an e-mail address like name@example.com, found "ann@""#),
        (#"{"name": "Ann", "email": "a@b@c"}"#, #"'email' must be an e-mail address like name@example.com, found "a@b@c""#),
        (#"{"name": "Ann", "email": "ann smith@x.io"}"#,
         #"'email' must be an e-mail address like name@example.com, found "ann smith@x.io""#),
        (#"[{"name": "Ann", "email": "a@x.io"}, {"name": "Bob"}]"#, "item 2: missing field 'email'"),
        (#"[{"name": "Ann", "email": "a@x.io"}, 7]"#, "item 2: expected a JSON object describing a customer, found the number 7"),
        (#"[{"name": "Ann", "email": "a@x.io"}, "x"]"#,
         #"item 2: expected a JSON object describing a customer, found the string "x""#),
        (#""Ann""#, "expected a JSON object or an array of objects, found a string"),
        (#"42"#, "expected a JSON object or an array of objects, found a number"),
        (#"null"#, "expected a JSON object or an array of objects, found null"),
        (#"true"#, "expected a JSON object or an array of objects, found a boolean"),
    ])
    func rejectsWithAClearMessage(body: String, message: String) {
        #expect(postError(body, CustomerDraft.self) == message)
    }

    @Test func limitsNameAndEmailLength() {
        let longName = String(repeating: "n", count: DomainLimits.maxNameLength + 1)
        #expect(postError(#"{"name": "\#(longName)", "email": "a@x.io"}"#, CustomerDraft.self)
                == "'name' must be at most 200 characters, found 201")
        let exactName = String(repeating: "é", count: DomainLimits.maxNameLength)
        #expect(postError(#"{"name": "\#(exactName)", "email": "a@x.io"}"#, CustomerDraft.self) == nil)
        let longLocal = String(repeating: "l", count: 65)
        #expect(postError(#"{"name": "Ann", "email": "\#(longLocal)@x.io"}"#, CustomerDraft.self)?
                .hasPrefix("'email' must be an e-mail address like name@example.com") == true)
        let longEmail = "a@" + String(repeating: "d", count: 253)
        #expect(postError(#"{"name": "Ann", "email": "\#(longEmail)"}"#, CustomerDraft.self)
                == "'email' must be at most 254 characters, found 255")
    }
}
