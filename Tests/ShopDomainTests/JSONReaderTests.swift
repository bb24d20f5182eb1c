import Foundation
import Testing
import ShopDomain
import ShopJSON

/// The error text `JSONReader.read` gives for `bytes`, or nil when they pass.
private func checkError(_ bytes: [UInt8], maxDepth: Int = DomainLimits.maxJSONDepth, integerFields: Set<String> = []) -> String? {
    do {
        _ = try JSONReader.read(bytes, maxDepth: maxDepth, integerFields: integerFields)
        return nil
    } catch {
        return error.description
    }
}

private func checkError(_ text: String, integerFields: Set<String> = []) -> String? {
    checkError(Array(text.utf8), integerFields: integerFields)
}

@Suite struct JSONReaderTests {
    static let tooDeep = "malformed JSON: nested more than 64 levels deep"

    @Test func rejectsAHundredThousandLevelsOfNestingWithoutRecursing() {
        let arrays = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let objects = String(repeating: #"{"a":"#, count: 100_000) + "1" + String(repeating: "}", count: 100_000)
        let unclosed = String(repeating: "[", count: 100_000)
        for body in [arrays, objects, unclosed] {
            #expect(checkError(body) == Self.tooDeep)
            #expect(postError(body, OrderDraft.self) == Self.tooDeep)
            #expect(postError(body, CustomerDraft.self) == Self.tooDeep)
        }
    }

    /// JSONDecoder parses recursively (up to its own 512 levels, which needs more than 128 KiB of stack);
    /// the check is iterative, so it turns deep input away even on a thread with a small stack.
    @Test func rejectsDeepNestingOnASmallStack() async {
        let body = Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
        let message = await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
            let thread = Thread {
                do throws(ValidationError) {
                    _ = try BodyDecoder.decodeOneOrMany(body, as: OrderDraft.self)
                    continuation.resume(returning: nil)
                } catch {
                    continuation.resume(returning: error.description)
                }
            }
            thread.stackSize = 128 * 1024
            thread.start()
        }
        #expect(message == Self.tooDeep)
    }

    @Test func allowsExactlyTheConfiguredDepth() {
        let deepest = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(checkError(deepest) == nil)
        #expect(checkError("[" + deepest + "]") == Self.tooDeep)
        #expect(checkError(Array(deepest.utf8), maxDepth: 10) == "malformed JSON: nested more than 10 levels deep")
    }

    @Test(arguments: [
        ([0x7B, 0x22, 0x6E, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D], 6),           // 0xFF never appears in UTF-8
        ([0x7B, 0x22, 0x6E, 0x22, 0x3A, 0x22, 0xC0, 0x80, 0x22, 0x7D], 6),     // overlong encoding of U+0000
        ([0x7B, 0x22, 0x6E, 0x22, 0x3A, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D], 6), // an encoded surrogate
        ([0x7B, 0x22, 0x6E, 0x22, 0x3A, 0x22, 0xF4, 0x90, 0x80, 0x80, 0x22, 0x7D], 6), // beyond U+10FFFF
        ([0x7B, 0x22, 0x6E, 0x22, 0x3A, 0x22, 0xE2, 0x82], 6),                 // cut off inside a character
        ([0x7B, 0x22, 0xC3, 0x22, 0x3A, 0x31, 0x7D], 2),                       // lead byte without continuation, in a key
    ] as [([UInt8], Int)])
    func rejectsInvalidUTF8(bytes: [UInt8], offset: Int) {
        #expect(checkError(bytes) == "malformed JSON: the body is not valid UTF-8 (at byte offset \(offset))")
    }

    @Test func acceptsValidMultiByteUTF8() {
        #expect(checkError(#"{"n": "é € 😀 𝄞 \u00e9 \ud83d\ude00"}"#) == nil)
    }

    @Test func rejectsAByteOrderMark() {
        let body: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(#"{"name": "Ann", "email": "a@x.io"}"#.utf8)
        let message = "malformed JSON: the body starts with a byte order mark; send UTF-8 without one"
        #expect(checkError(body) == message)
        #expect(throws: ValidationError(.malformedJSON, message)) {
            try BodyDecoder.decodeOneOrMany(body, as: CustomerDraft.self)
        }
    }

    @Test func rejectsDuplicateKeysEvenWhenSpelledWithEscapes() {
        #expect(checkError(#"{"name": "a", "name": "b"}"#) == #"duplicate field "name" in one object"#)
        #expect(checkError(#"{"name": "a", "n\u0061me": "b"}"#) == #"duplicate field "name" in one object"#)
        #expect(checkError(#"[{"a": 1}, {"a": 1, "b": {"a": 2}}]"#) == nil)
        #expect(checkError(#"[{"a": 1}, {"b": 1, "b": 2}]"#) == #"item 2: duplicate field "b" in one object"#)
    }

    @Test(arguments: [
        ("", "the request body is empty: send a JSON object or an array of objects"),
        (" \r\n\t ", "the request body is empty: send a JSON object or an array of objects"),
        ("{} {}", "malformed JSON at byte offset 3: unexpected data after the JSON value"),
        ("{}x", "malformed JSON at byte offset 2: unexpected data after the JSON value"),
        ("{", "malformed JSON at byte offset 1: the body ends where a key or '}' was expected"),
        (#"{"a" 1}"#, "malformed JSON at byte offset 5: expected ':', found '1'"),
        (#"{"a": 1,}"#, "malformed JSON at byte offset 8: expected a key in double quotes, found '}'"),
        ("[1,]", "malformed JSON at byte offset 3: expected a value, found ']'"),
        ("[1 2]", "malformed JSON at byte offset 3: expected ',' or ']', found '2'"),
        ("{'a': 1}", "malformed JSON at byte offset 1: expected a key in double quotes, found '''"),
        (#"{"a": "x"#, "malformed JSON at byte offset 8: the body ends where the closing '\"' of a string was expected"),
        ("{\"a\": \"x\ty\"}", "malformed JSON at byte offset 8: a control character inside a string must be escaped"),
        (#"{"a": "\x"}"#, "malformed JSON at byte offset 8: invalid escape '\\x' in a string"),
        (#"{"a": "\u12"}"#, "malformed JSON at byte offset 11: \\u must be followed by four hex digits"),
        (#"{"a": "\ud800"}"#, "malformed JSON at byte offset 13: a \\u escape is a high surrogate without its low surrogate"),
        (#"{"a": "\ud800\u0041"}"#, "malformed JSON at byte offset 19: a \\u escape is a high surrogate without its low surrogate"),
        (#"{"a": "\udc00"}"#, "malformed JSON at byte offset 13: a \\u escape is a lone low surrogate"),
        (#"{"a": -}"#, "malformed JSON at byte offset 7: a number needs a digit after '-'"),
        (#"{"a": 1.}"#, "malformed JSON at byte offset 8: a number needs digits after '.'"),
        (#"{"a": 1e}"#, "malformed JSON at byte offset 8: a number needs digits in its exponent"),
        (#"{"a": .5}"#, "malformed JSON at byte offset 6: expected a value, found '.'"),
        (#"{"a": +1}"#, "malformed JSON at byte offset 6: expected a value, found '+'"),
        (#"{"a": tru}"#, "malformed JSON at byte offset 6: expected a value, found 't'"),
        (#"{"a": nul"#, "malformed JSON at byte offset 6: expected a value, found 'n'"),
        (#"{"a": None}"#, "malformed JSON at byte offset 6: expected a value, found 'N'"),
        ("\u{16}\u{03}\u{01}", "malformed JSON at byte offset 0: expected a value, found 'byte 0x16'"),
    ])
    func rejectsMalformedJSONWithItsPosition(body: String, message: String) {
        #expect(checkError(body) == message)
    }

    @Test func checksWholeNumbersOnlyInIntegerFields() {
        #expect(checkError(#"{"rating": 4.5, "price": 3}"#, integerFields: ["price"]) == nil)
        #expect(checkError(#"{"rating": 4.5, "price": 3e0}"#, integerFields: ["price"]) == nil)
        #expect(checkError(#"{"rating": 4.5, "price": 3e-1}"#, integerFields: ["price"]) == "'price' must be a whole number, found 3e-1")
        #expect(checkError(#"{"price": 10.5}"#) == nil)
        #expect(checkError(#"[{"price": 1}, {"price": 1.5}]"#, integerFields: ["price"])
                == "item 2: 'price' must be a whole number, found 1.5")
        // Deeper objects belong to ignored fields: their numbers are nobody's business.
        #expect(checkError(#"{"price": 1, "meta": {"price": 1.5}}"#, integerFields: ["price"]) == nil)
        #expect(checkError(#"[[{"price": 1.5}]]"#, integerFields: ["price"]) == nil)
    }

    @Test func acceptsEveryKindOfValue() throws {
        let body = #"[{"s": "a\"\\\/\b\f\n\r\t\u0041", "n": -12.5e-3, "z": 0, "t": true, "f": false, "x": null, "o": {}, "a": []}]"#
        #expect(checkError(body) == nil)
        let object = try #require(try JSONReader.read(Array(body.utf8)).array?.first?.object)
        #expect(object.members.map(\.key) == ["s", "n", "z", "t", "f", "x", "o", "a"])
        #expect(object["s"] == .string("a\"\\/\u{8}\u{C}\n\r\tA"))
        #expect(object["n"] == .number("-12.5e-3") && object["z"]?.integer == 0)
        #expect(object["t"] == .bool(true) && object["f"] == .bool(false) && object["x"] == .null)
        #expect(object["o"] == .object(JSONObject(members: [])) && object["a"] == .array([]))
        let n = try #require(object.members.first { $0.key == "n" })
        #expect(String(decoding: Array(body.utf8)[n.range], as: UTF8.self) == "-12.5e-3")
    }

    @Test func checksRawBuffers() {
        let bytes = Array("[[]]".utf8)
        #expect(throws: JSONError(.malformed, "malformed JSON: nested more than 1 levels deep")) {
            try bytes.withUnsafeBytes { raw in try JSONReader.read(raw, maxDepth: 1) }
        }
    }

    @Test func scansAMegabyteQuickly() {
        let item = #"{"name": "Abcdefghij", "email": "abcdefghij@server.com", "note": "\#(String(repeating: "é", count: 400))"},"#
        let body = Array(("[" + String(repeating: item, count: 1200).dropLast() + "]").utf8)
        #expect(body.count > 1_000_000)
        let clock = ContinuousClock()
        let elapsed = clock.measure { #expect(checkError(body) == nil) }
        #expect(elapsed < .seconds(5))
    }
}
