import ShopDomain
import ShopLoad
import Testing

@Suite struct GatewayJSONTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func readsTheShopsAnswers() throws {
        #expect(try GatewayJSON.ids(bytes(#"["a","b"]"#)) == ["a", "b"])
        let orders = try GatewayJSON.orders(bytes(#"[{"id":"o1","product_ids":["p","p"],"customer_id":"c"}]"#))
        #expect(orders == [Order(id: "o1", productIDs: ["p", "p"], customerID: "c")])
        let inventory = try GatewayJSON.inventory(bytes(#"[{"id":"i","product_id":"p","amount":3}]"#))
        #expect(inventory == [Inventory(id: "i", productID: "p", amount: 3)])
    }

    @Test func readsIdsOnTheFastPathAndEverythingElseThroughTheDecoder() throws {
        #expect(try GatewayJSON.ids(bytes("[]")) == [])
        #expect(try GatewayJSON.ids(bytes(#"["3f2a-é"]"#)) == ["3f2a-é"])
        #expect(try GatewayJSON.ids(bytes(#"[ "a" , "b" ]"#)) == ["a", "b"], "spaces: the decoder")
        #expect(try GatewayJSON.ids(bytes(#"["a\"b","c\\d"]"#)) == ["a\"b", "c\\d"], "escapes: the decoder")
        for wrong in [#"["a""#, #"["a"]x"#, #"["a" "b"]"#, #"[""#, "[\"a\u{1}\"]", #"{"a":1}"#, #"["a",1]"#] {
            #expect(throws: LoadError.self, "\(wrong)") { try GatewayJSON.ids(bytes(wrong)) }
        }
    }

    @Test func findsAStreamLengthInTheStatus() throws {
        let status = #"{"streams":[{"name":"events:{order}_created","length":42,"groups":[]},"#
            + #"{"name":"events:{order}_updated","length":3,"groups":[]}],"dead_letters":{}}"#
        #expect(try GatewayJSON.streamLength(bytes(status), stream: "events:{order}_created") == 42)
        #expect(try GatewayJSON.streamLength(bytes(status), stream: "events:{billing}_created") == 0)
    }

    @Test func sumsTheConsumerBacklogOverEveryGroup() throws {
        let status = #"{"streams":[{"name":"events:{order}_created","length":9,"groups":["#
            + #"{"name":"crm-service","lag":3,"pending":2,"last_delivered_id":"1-0","consumers":[]},"#
            + #"{"name":"billing-service","lag":null,"pending":1,"last_delivered_id":"1-0","consumers":[]}]},"#
            + #"{"name":"events:{customer}_created","length":1,"groups":[]}],"dead_letters":{}}"#
        #expect(try GatewayJSON.consumerBacklog(bytes(status)) == 6)
        #expect(try GatewayJSON.consumerBacklog(bytes(#"{"streams":[]}"#)) == 0)
        #expect(throws: LoadError.self) { try GatewayJSON.consumerBacklog(bytes(#"{"streams":[{"groups":[{"lag":1}]}]}"#)) }
    }

    @Test(arguments: ["", "null", #"{"error":"boom"}"#, "[1,2]", #"[{"id":"o"}]"#, "\u{FF}\u{FE}", "[" + String(repeating: "[", count: 10_000)])
    func answersOfTheWrongShapeAreErrorsNotCrashes(text: String) {
        #expect(throws: LoadError.self) { try GatewayJSON.orders(bytes(text)) }
        #expect(throws: LoadError.self) { try GatewayJSON.inventory(bytes(text)) }
        #expect(throws: LoadError.self) { try GatewayJSON.streamLength(bytes(text), stream: "s") }
    }

    @Test func theErrorQuotesTheAnswerCutShort() {
        do {
            _ = try GatewayJSON.ids(bytes(#"{"error":"# + String(repeating: "x", count: 5000) + "}"))
            Issue.record("accepted")
        } catch {
            #expect(error.code == .unexpectedResponse)
            #expect(error.message.count < 300)
        }
    }
}
