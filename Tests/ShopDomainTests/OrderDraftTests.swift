import Testing
import ShopDomain

@Suite struct OrderDraftTests {
    @Test func acceptsRepeatsAndKeepsTheirOrder() throws {
        let body = #"{"product_ids": ["\#(uuidA)", "\#(uuidB)", "\#(uuidA)"], "customer_id": "\#(uuidB)"}"#
        let drafts = try postDrafts(body, OrderDraft.self)
        #expect(drafts == [OrderDraft(productIDs: [uuidA, uuidB, uuidA], customerID: uuidB)])
        #expect(drafts[0].entity(id: uuidA) == Order(id: uuidA, productIDs: [uuidA, uuidB, uuidA], customerID: uuidB))
    }

    @Test func acceptsTheWholeEntityAsThePutOfTheOriginalClientSendsIt() throws {
        let body = #"{"id": "\#(uuidA)", "product_ids": ["\#(uuidB.uppercased())"], "customer_id": "\#(uuidA)"}"#
        let draft = try BodyDecoder.decodeOne(Array(body.utf8), as: OrderDraft.self)
        #expect(draft == OrderDraft(productIDs: [uuidB], customerID: uuidA))
    }

    @Test func acceptsUpToAThousandProducts() throws {
        let ids = Array(repeating: "\"\(uuidA)\"", count: 1000).joined(separator: ",")
        let drafts = try postDrafts(#"{"product_ids": [\#(ids)], "customer_id": "\#(uuidB)"}"#, OrderDraft.self)
        #expect(drafts[0].productIDs.count == 1000)
        let tooMany = ids + ",\"\(uuidA)\""
        #expect(postError(#"{"product_ids": [\#(tooMany)], "customer_id": "\#(uuidB)"}"#, OrderDraft.self)
                == "'product_ids' must hold at most 1000 ids, found 1001")
    }

    @Test(arguments: [
        (#"{"customer_id": "\#(uuidB)"}"#, "missing field 'product_ids'"),
        (#"{"product_ids": ["\#(uuidA)"]}"#, "missing field 'customer_id'"),
        (#"{"product_ids": null, "customer_id": "\#(uuidB)"}"#, "'product_ids' must not be null"),
        (#"{"product_ids": [], "customer_id": "\#(uuidB)"}"#, "'product_ids' must not be empty"),
        (#"{"product_ids": "\#(uuidA)", "customer_id": "\#(uuidB)"}"#,
         #"'product_ids' must be an array of ids, found the string "\#(uuidA)""#),
        (#"{"product_ids": {"0": "\#(uuidA)"}, "customer_id": "\#(uuidB)"}"#, "'product_ids' must be an array of ids, found an object"),
        (#"{"product_ids": ["\#(uuidA)", 7], "customer_id": "\#(uuidB)"}"#,
         "'product_ids' element 2 must be an id string, found the number 7"),
        (#"{"product_ids": ["\#(uuidA)", null], "customer_id": "\#(uuidB)"}"#,
         "'product_ids' element 2 must be an id string, found null"),
        (#"{"product_ids": [["\#(uuidA)"]], "customer_id": "\#(uuidB)"}"#,
         "'product_ids' element 1 must be an id string, found an array"),
        (#"{"product_ids": ["nope"], "customer_id": "\#(uuidB)"}"#,
         #"'product_ids' element 1 must be an id (a UUID like \#(uuidA)), found "nope""#),
        (#"{"product_ids": ["\#(uuidA)"], "customer_id": "42"}"#,
         #"'customer_id' must be an id (a UUID like \#(uuidA)), found "42""#),
        (#"{"product_ids": ["\#(uuidA)"], "customer_id": 42}"#, "'customer_id' must be a string, found the number 42"),
    ])
    func rejectsWithAClearMessage(body: String, message: String) {
        #expect(postError(body, OrderDraft.self) == message)
    }
}
