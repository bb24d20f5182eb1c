import Testing
import ShopDomain

@Suite struct ProductDraftTests {
    @Test func acceptsWholePricesFromZeroToTheLimit() throws {
        #expect(try postDrafts(#"{"name": "Abcdefghij", "price": 417}"#, ProductDraft.self) == [ProductDraft(name: "Abcdefghij", price: 417)])
        #expect(try postDrafts(#"{"name": "Free", "price": 0}"#, ProductDraft.self)[0].price == 0)
        #expect(try postDrafts(#"{"name": "Free", "price": -0}"#, ProductDraft.self)[0].price == 0)
        #expect(try postDrafts(#"{"name": "Max", "price": 1000000000000}"#, ProductDraft.self)[0].price == DomainLimits.maxPrice)
        // JSON has one number type: a whole number is an integer however it is written (as JSON Schema says).
        #expect(try postDrafts(#"{"name": "Pen", "price": 10.0}"#, ProductDraft.self)[0].price == 10)
        #expect(try postDrafts(#"{"name": "Pen", "price": 1e3}"#, ProductDraft.self)[0].price == 1000)
        #expect(try postDrafts(#"{"name": "Pen", "price": 1E+2}"#, ProductDraft.self)[0].price == 100)
        #expect(try postDrafts(#"{"name": "Max", "price": 1e12}"#, ProductDraft.self)[0].price == DomainLimits.maxPrice)
        #expect(try postDrafts(#"{"id": 7, "name": "Pen", "price": 1}"#, ProductDraft.self)[0].price == 1)
        let product = ProductDraft(name: "Pen", price: 3).entity(id: uuidA)
        #expect(product == Product(id: uuidA, name: "Pen", price: 3))
    }

    @Test(arguments: [
        (#"{"name": "Pen"}"#, "missing field 'price'"),
        (#"{"price": 3}"#, "missing field 'name'"),
        (#"{"name": "Pen", "price": null}"#, "'price' must not be null"),
        (#"{"name": "Pen", "price": "3"}"#, #"'price' must be a whole number from 0 to 1000000000000, found the string "3""#),
        (#"{"name": "Pen", "price": true}"#, "'price' must be a whole number from 0 to 1000000000000, found the boolean true"),
        (#"{"name": "Pen", "price": [3]}"#, "'price' must be a whole number from 0 to 1000000000000, found an array"),
        (#"{"name": "Pen", "price": -1}"#, "'price' must not be negative, found -1"),
        (#"{"name": "Pen", "price": 1000000000001}"#, "'price' must be a whole number from 0 to 1000000000000, found 1000000000001"),
        (#"{"name": "Pen", "price": 9223372036854775807}"#,
         "'price' must be a whole number from 0 to 1000000000000, found 9223372036854775807"),
        (#"{"name": "Pen", "price": 9223372036854775808}"#,
         "'price' must be a whole number from 0 to 1000000000000, found the number 9.223372036854776e+18"),
        (#"{"name": "Pen", "price": -9223372036854775809}"#,
         "'price' must be a whole number from 0 to 1000000000000, found the number -9.223372036854776e+18"),
        (#"{"name": "Pen", "price": 1.5}"#, "'price' must be a whole number, found 1.5"),
        (#"{"name": "Pen", "price": 1e-3}"#, "'price' must be a whole number, found 1e-3"),
        (#"{"name": "Pen", "price": 1e400}"#, "'price' must be a whole number, found 1e400"),
        (#"{"name": "Pen", "price": 1e13}"#, "'price' must be a whole number from 0 to 1000000000000, found 10000000000000"),
        (#"{"name": "Pen", "price": 3, "prize": 4}"#, #"unknown field "prize" in a product: its fields are 'name', 'price'"#),
        (#"{"name": "Pen", "price": NaN}"#, "malformed JSON at byte offset 25: expected a value, found 'N'"),
        (#"{"name": "Pen", "price": Infinity}"#, "malformed JSON at byte offset 25: expected a value, found 'I'"),
        (#"{"name": "Pen", "price": 01}"#, "malformed JSON at byte offset 26: expected ',' or '}', found '1'"),
        (#"{"name": "Pen", "price": 3, "price": 4}"#, #"duplicate field "price" in one object"#),
        (#"[{"name": "A", "price": 1}, {"name": "B", "price": 2.5}]"#,
         "item 2: 'price' must be a whole number, found 2.5"),
        (#"[{"name": "A", "price": 1}, {"name": "B", "price": -2}]"#, "item 2: 'price' must not be negative, found -2"),
    ])
    func rejectsWithAClearMessage(body: String, message: String) {
        #expect(postError(body, ProductDraft.self) == message)
    }
}
