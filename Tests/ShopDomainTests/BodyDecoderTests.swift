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

    @Test func decodesMessageBodiesWithTheSameReader() throws {
        let one = try BodyDecoder.decodeOneOrMany(Array(#"{"to": "a@x.io", "msg": "hi", "key": "k", "extra": 1}"#.utf8), as: EmailMessage.self)
        #expect(one == [EmailMessage(to: "a@x.io", msg: "hi", key: "k")])
        #expect(throws: ValidationError(.missingField, "missing field 'msg'")) {
            try BodyDecoder.decodeOneOrMany(Array(#"{"to": "a@x.io", "key": "k"}"#.utf8), as: EmailMessage.self)
        }
        #expect(throws: ValidationError(.wrongType, "'msg' must be a string")) {
            try BodyDecoder.decodeOneOrMany(Array(#"[{"to": "a@x.io", "msg": "b", "key": "k"}, {"to": "a@x.io", "msg": 3, "key": "k"}]"#.utf8),
                                            as: EmailMessage.self)
        }
        #expect(throws: ValidationError(.malformedJSON, #"duplicate field "to" in one object"#)) {
            try BodyDecoder.decodeOneOrMany(Array(#"{"to": "a@x.io", "to": "b@x.io", "msg": "b", "key": "k"}"#.utf8), as: EmailMessage.self)
        }
    }

    @Test func itemsOfAnArrayBodyAreNamedInTheirErrors() {
        #expect(postError(#"[{"product_ids": ["\#(uuidA)"], "customer_id": "\#(uuidA)"}, {"product_ids": ["\#(uuidA)"]}]"#, OrderDraft.self)
                == "item 2: missing field 'customer_id'")
        #expect(postError(#"["x"]"#, ProductDraft.self) == "item 1: expected a JSON object describing a product, found the string \"x\"")
        #expect(postError(#"{"name": "Pen", "price": 1e400}"#, ProductDraft.self) == "'price' must be a whole number, found 1e400")
        #expect(postError(#"{"name": 1e2, "price": 1}"#, ProductDraft.self) == "'name' must be a string, found the number 100")
    }
}
