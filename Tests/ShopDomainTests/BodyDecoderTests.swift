import Foundation
import Testing
import ShopDomain

@Suite struct BodyDecoderTests {
    @Test func anEmptyArrayCreatesNothingAsInTheOriginal() throws {
        #expect(try postDrafts("[]", CustomerDraft.self).isEmpty)
    }

    @Test func limitsTheItemsOfOneRequest() throws {
        let item = #"{"name": "A", "price": 1}"#
        let atLimit = "[" + Array(repeating: item, count: 1000).joined(separator: ",") + "]"
        #expect(try postDrafts(atLimit, ProductDraft.self).count == 1000)
        let overLimit = "[" + Array(repeating: item, count: 1001).joined(separator: ",") + "]"
        #expect(postError(overLimit, ProductDraft.self) == "too many items in one request: at most 1000, found 1001")
    }

    @Test func aPutBodyIsExactlyOneObject() throws {
        let put = { (body: String) throws(ValidationError) -> ProductDraft in
            try BodyDecoder.decodeOne(Array(body.utf8), as: ProductDraft.self)
        }
        #expect(try put(#"{"id": "ignored", "name": "Pen", "price": 2}"#) == ProductDraft(name: "Pen", price: 2))
        #expect(throws: ValidationError(.wrongType, "expected one JSON object, found an array")) {
            try put(#"[{"name": "Pen", "price": 2}]"#)
        }
        #expect(throws: ValidationError(.wrongType, "expected one JSON object, found a number")) { try put("7") }
        #expect(try put(#"{"name": "Pen", "price": 2.0}"#) == ProductDraft(name: "Pen", price: 2))
        #expect(throws: ValidationError(.invalidValue, "'price' must be a whole number, found 2.5")) {
            try put(#"{"name": "Pen", "price": 2.5}"#)
        }
        #expect(throws: ValidationError(.invalidValue, #"unknown field "colour" in a product: its fields are 'name', 'price'"#)) {
            try put(#"{"name": "Pen", "price": 2, "colour": "red"}"#)
        }
    }

    @Test func errorsCarryACodeForCodeThatMustTellThemApart() throws {
        let cases: [(String, ValidationError.Code)] = [
            ("{", .malformedJSON),
            (#"{"name": "Pen"}"#, .missingField),
            (#"{"name": null, "price": 1}"#, .missingField),
            (#"{"name": 1, "price": 1}"#, .wrongType),
            (#"{"name": "Pen", "price": -1}"#, .invalidValue),
        ]
        for (body, code) in cases {
            do {
                _ = try BodyDecoder.decodeOneOrMany(Array(body.utf8), as: ProductDraft.self)
                Issue.record("accepted \(body)")
            } catch {
                #expect(error.code == code, "\(body)")
            }
        }
    }

    @Test func decodesGenericBodiesWithTheSameChecks() throws {
        struct Email: Decodable, Equatable { let to: String; let msg: String }
        let one = try BodyDecoder.decodeOneOrMany(Array(#"{"to": "a@x.io", "msg": "hi"}"#.utf8), as: Email.self)
        #expect(one == [Email(to: "a@x.io", msg: "hi")])
        #expect(throws: ValidationError(.wrongType, "the JSON does not describe what was expected: missing field 'msg'")) {
            try BodyDecoder.decodeOneOrMany(Array(#"{"to": "a@x.io"}"#.utf8), as: Email.self)
        }
        #expect(throws: ValidationError(.wrongType, "the JSON does not describe what was expected: wrong value at [1].msg")) {
            try BodyDecoder.decodeOneOrMany(Array(#"[{"to": "a", "msg": "b"}, {"to": "a", "msg": 3}]"#.utf8), as: Email.self)
        }
    }
}

/// What plain `JSONDecoder` (as a generic HTTP helper would use it) does with the drafts and with hostile input:
/// it never crashes, and the drafts' own validation still applies; only the extra checks need `BodyDecoder`.
@Suite struct PlainJSONDecoderTests {
    private func decode<T: Decodable>(_ type: T.Type, _ body: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(body.utf8))
    }

    @Test func draftsValidateUnderPlainJSONDecoder() {
        #expect(throws: ValidationError(.invalidValue, "'price' must not be negative, found -1")) {
            try decode(ProductDraft.self, #"{"name": "Pen", "price": -1}"#)
        }
        #expect(throws: ValidationError(.missingField, "item 2: missing field 'customer_id'")) {
            try decode([OrderDraft].self, #"[{"product_ids": ["\#(uuidA)"], "customer_id": "\#(uuidA)"}, {"product_ids": ["\#(uuidA)"]}]"#)
        }
        #expect(throws: ValidationError(.wrongType, "item 1: expected a JSON object describing a product, found the string \"x\"")) {
            try decode([ProductDraft].self, #"["x"]"#)
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let arrays = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let objects = String(repeating: #"{"a":"#, count: 100_000) + "1" + String(repeating: "}", count: 100_000)
        #expect(throws: DecodingError.self) { try decode([ProductDraft].self, arrays) }
        #expect(throws: DecodingError.self) { try decode(ProductDraft.self, objects) }
    }

    /// Why `BodyDecoder` scans first: `JSONDecoder` quietly accepts these, and takes the first of duplicate keys.
    @Test func plainDecoderIsLenientWhereBodyDecoderIsStrict() throws {
        #expect(try decode(ProductDraft.self, #"{"name": "Pen", "price": 10.0}"#).price == 10)
        #expect(try decode(ProductDraft.self, #"{"name": "Pen", "price": 1e3}"#).price == 1000)
        #expect(try decode(ProductDraft.self, #"{"name": "Pen", "price": 1, "price": 2}"#).price == 1)
        #expect(try decode(ProductDraft.self, "\u{FEFF}" + #"{"name": "Pen", "price": 1}"#).price == 1)
        #expect(postError(#"{"name": "Pen", "price": 1, "price": 2}"#, ProductDraft.self) == #"duplicate field "price" in one object"#)
    }

    @Test func hostileScalarsAreErrors() {
        for body in [#"{"name": "Pen", "price": NaN}"#, #"{"name": "Pen", "price": 1e400}"#, "{\"name\": \"\u{FF}\"}"] {
            #expect(throws: (any Error).self) { try decode(ProductDraft.self, body) }
        }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(ProductDraft.self, from: Data([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D])) }
    }
}
