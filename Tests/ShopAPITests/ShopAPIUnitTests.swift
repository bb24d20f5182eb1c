import Logging
@testable import ShopAPI
import ShopDomain
import ShopEventStore
import ShopHTTP
import Testing

/// The pure parts of ShopAPI: paths, body and id decoding, store and upstream failures as HTTP statuses.
@Suite("ShopAPI")
struct ShopAPIUnitTests {
    static func request(body: String = "", parameters: [String: String] = [:], query: [String: String] = [:]) -> Request {
        Request(method: .POST, path: "/", query: query, body: ByteBuffer(string: body), parameters: parameters,
                requestID: "test", logger: Logger(label: "test"))
    }

    @Test("each topic's paths are the original gateway's; item paths take the id")
    func paths() {
        #expect(EntityPaths.of(.customer).createPaths == ["/customers", "/customer"])
        #expect(EntityPaths.of(.inventory).createPaths == ["/inventory"])
        #expect(EntityPaths.of(.billing).collection == "/billings")
        #expect(EntityPaths.of(.order).item == "/order/{id}")
        #expect(EntityPaths.of(.product).item("3f2504e0-4f89-41d3-9a0c-0305e82c3301") == "/product/3f2504e0-4f89-41d3-9a0c-0305e82c3301")
    }

    @Test("bodies decode to drafts or a 400 with the domain's message; ids are normalised or a 400")
    func decoding() throws {
        let one = try Self.request(body: #"{"name":"Pen","price":3}"#).drafts(ProductDraft.self)
        #expect(one == [ProductDraft(name: "Pen", price: 3)])
        #expect(try Self.request(body: "[]").drafts(ProductDraft.self).isEmpty)
        let error = #expect(throws: HTTPError.self) { try Self.request(body: #"{"name":"Pen","price":1.5}"#).drafts(ProductDraft.self) }
        #expect(error?.status == .badRequest && error?.message.contains("price") == true)
        #expect(try Self.request(body: #"{"name":"Pen","price":1.0}"#).drafts(ProductDraft.self) == [ProductDraft(name: "Pen", price: 1)])
        #expect(throws: HTTPError.self) { try Self.request(body: #"[{"name":"Pen","price":1}]"#).draft(ProductDraft.self) }
        let id = try Self.request(parameters: ["id": "3F2504E0-4F89-41D3-9A0C-0305E82C3301"]).entityID()
        #expect(id == "3f2504e0-4f89-41d3-9a0c-0305e82c3301")
        let bad = #expect(throws: HTTPError.self) { try Self.request(parameters: ["id": "12"]).entityID() }
        #expect(bad?.status == .badRequest)
        #expect(try Self.request().integerQuery("limit", default: 7, in: 1...10) == 7)
        #expect(try Self.request(query: ["limit": "3"]).integerQuery("limit", default: 7, in: 1...10) == 3)
        #expect(throws: HTTPError.self) { try Self.request(query: ["limit": "11"]).integerQuery("limit", default: 7, in: 1...10) }
        #expect(throws: HTTPError.self) { try Self.request(query: ["limit": "x"]).integerQuery("limit", default: 7, in: 1...10) }
    }

    @Test("store refusals become 404/409/400, Redis away a 503, anything else stays (a logged 500)")
    func storeFailures() {
        func status(_ error: any Error) -> UInt? { (StoreFailure.translate(error, topic: .order) as? HTTPError)?.status.code }
        #expect(status(EventStoreError(.notFound(aggregateID: "a"), "x")) == 404)
        #expect(status(EventStoreError(.outOfStock(productID: "p"), "x")) == 409)
        #expect(status(EventStoreError(.duplicate(field: "order_id"), "another entity already has order_id o")) == 409)
        #expect((StoreFailure.translate(EventStoreError(.duplicate(field: "order_id"), "another entity already has order_id o"),
                                        topic: .billing) as? HTTPError)?.message == "another billing already has order_id o")
        #expect(status(EventStoreError(.versionConflict(aggregateID: "a"), "x")) == 409)
        #expect(status(EventStoreError(.invalidInput, "x")) == 400)
        #expect(status(EventStoreError(.corruptEvent, "x")) == nil)
        #expect(status(EventStoreError(.unavailable, "down")) == 503)
        #expect(status(EventStoreError(.outcomeUnknown, "maybe ran")) == 503)
        #expect(status(EventStoreError(.unexpectedReply, "junk")) == nil)
        #expect(status(EventStoreError(.refused(prefix: "WRONGTYPE"), "x")) == nil)
        #expect(EventStoreError.isDefinite(EventStoreError(.outOfStock(productID: "p"), "x")))
        #expect(EventStoreError.isDefinite(EventStoreError(.unavailable, "never sent")))
        #expect(!EventStoreError.isDefinite(EventStoreError(.outcomeUnknown, "maybe ran")))
        // Written on the primary, no replica confirmed it in time: a clear 503, and not undone (it did happen).
        let unconfirmed = EventStoreError(.notReplicated, "the write reached 0 of 1 replica(s) within 1000 ms")
        #expect(status(unconfirmed) == 503)
        let message = (StoreFailure.translate(unconfirmed, topic: .order) as? HTTPError)?.message
        #expect(message?.contains("no Redis replica confirmed it") == true, "\(String(describing: message))")
        #expect(!EventStoreError.isDefinite(unconfirmed))
    }

    @Test("an upstream's failure: down 503, too slow 504, broken 502; queries forward percent-encoded and sorted")
    func forwarding() {
        #expect(HTTPClient.publicError(HTTPClientError(.upstreamUnavailable, "x"), upstream: "crm-service").status == .serviceUnavailable)
        #expect(HTTPClient.publicError(HTTPClientError(.timeout, "x"), upstream: "crm-service").status == .gatewayTimeout)
        #expect(HTTPClient.publicError(HTTPClientError(.malformedResponse, "x"), upstream: "crm-service").status == .badGateway)
        #expect(HTTPClient.publicError(HTTPClientError(.connectionClosed, "x"), upstream: "crm-service").message.contains("crm-service"))
        #expect(HTTPClient.queryString([:]) == "")
        #expect(HTTPClient.queryString(["topic": "order", "after": "1-0"]) == "?after=1-0&topic=order")
        #expect(HTTPClient.queryString(["q": "a b&c=d/é"]) == "?q=a%20b%26c%3Dd%2F%C3%A9")
    }
}
