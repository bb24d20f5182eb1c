import Foundation
import Testing
import ShopDomain

@Suite struct BillingDraftTests {
    @Test func stampsTheCurrentTimeLikeTheOriginal() throws {
        let drafts = try postDrafts(#"{"order_id": "\#(uuidA)"}"#, BillingDraft.self)
        #expect(drafts == [BillingDraft(orderID: uuidA)])
        #expect(drafts[0].entity(id: uuidB, now: 1_700_000_000) == Billing(id: uuidB, orderID: uuidA, done: 1_700_000_000))
        let before = Int(Date().timeIntervalSince1970)
        let stamped = drafts[0].entity(id: uuidB).done
        #expect(stamped >= before && stamped <= before + 60)
    }

    @Test func ignoresADoneInTheBodyAsTheOriginalDid() throws {
        let drafts = try postDrafts(#"{"order_id": "\#(uuidA)", "done": 1548699679.211}"#, BillingDraft.self)
        #expect(drafts[0].entity(id: uuidB, now: 5).done == 5)
    }

    @Test(arguments: [
        (#"{}"#, "missing field 'order_id'"),
        (#"{"order_id": null}"#, "'order_id' must not be null"),
        (#"{"order_id": ["\#(uuidA)"]}"#, "'order_id' must be a string, found an array"),
        (#"{"order_id": "x"}"#, #"'order_id' must be an id (a UUID like \#(uuidA)), found "x""#),
        (#"[]"#, nil),
    ] as [(String, String?)])
    func rejectsWithAClearMessage(body: String, message: String?) {
        #expect(postError(body, BillingDraft.self) == message)
    }
}
