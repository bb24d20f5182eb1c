import Testing
import ShopDomain

@Suite struct InventoryDraftTests {
    @Test func acceptsTheOriginalClientsBodyAndLowercasesTheProductId() throws {
        let drafts = try postDrafts(#"{"product_id": "\#(uuidA.uppercased())", "amount": 100}"#, InventoryDraft.self)
        #expect(drafts == [InventoryDraft(productID: uuidA, amount: 100)])
        #expect(drafts[0].entity(id: uuidB) == Inventory(id: uuidB, productID: uuidA, amount: 100))
        #expect(try postDrafts(#"{"product_id": "\#(uuidA)", "amount": 0}"#, InventoryDraft.self)[0].amount == 0)
    }

    @Test(arguments: [
        (#"{"amount": 1}"#, "missing field 'product_id'"),
        (#"{"product_id": "\#(uuidA)"}"#, "missing field 'amount'"),
        (#"{"product_id": null, "amount": 1}"#, "'product_id' must not be null"),
        (#"{"product_id": 12, "amount": 1}"#, "'product_id' must be a string, found the number 12"),
        (#"{"product_id": "", "amount": 1}"#, #"'product_id' must be an id (a UUID like \#(uuidA)), found """#),
        (#"{"product_id": "abc", "amount": 1}"#, #"'product_id' must be an id (a UUID like \#(uuidA)), found "abc""#),
        (#"{"product_id": "{\#(uuidA)}", "amount": 1}"#,
         #"'product_id' must be an id (a UUID like \#(uuidA)), found "{3f2504e0-4f89-41d3-9a0c-0305e82c3301}""#),
        (#"{"product_id": "3f2504e0-4f89-41d3-9a0c-0305e82c330g", "amount": 1}"#,
         #"'product_id' must be an id (a UUID like \#(uuidA)), found "3f2504e0-4f89-41d3-9a0c-0305e82c330g""#),
        (#"{"product_id": "\#(uuidA)", "amount": -5}"#, "'amount' must not be negative, found -5"),
        (#"{"product_id": "\#(uuidA)", "amount": 1000000001}"#, "'amount' must be a whole number from 0 to 1000000000, found 1000000001"),
        (#"{"product_id": "\#(uuidA)", "amount": 2.5}"#, "'amount' must be a whole number, found 2.5"),
        (#"{"product_id": "\#(uuidA)", "amount": "100"}"#,
         #"'amount' must be a whole number from 0 to 1000000000, found the string "100""#),
    ])
    func rejectsWithAClearMessage(body: String, message: String) {
        #expect(postError(body, InventoryDraft.self) == message)
    }

    @Test func quotesHugeValuesShortly() throws {
        let huge = String(repeating: "x", count: 5000)
        let message = try #require(postError(#"{"product_id": "\#(huge)", "amount": 1}"#, InventoryDraft.self))
        #expect(message.count < 150)
        #expect(message.hasSuffix(#"found "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…""#))
    }
}
