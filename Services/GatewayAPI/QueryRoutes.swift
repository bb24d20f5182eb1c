import ShopAPI
import ShopDomain
import ShopEventStore
import ShopHTTP

/// The queries of the public API, read straight from the projections in Redis: a list is one round trip,
/// the report five at once; ids are checked (400) before Redis is asked.
struct QueryRoutes: Sendable {
    let store: EventStore

    func register(_ router: inout Router) {
        for topic in Topic.allCases {
            let paths = EntityPaths.of(topic)
            router.get(paths.collection) { _ in
                .json(bytes: ByteBuffer(bytes: try await StoreFailure.translating(topic: topic) { try await store.findAllJSON(topic) }))
            }
            router.get(paths.item) { request in try await one(topic, request) }
        }
        router.get("/orders/unbilled") { _ in try await unbilled() }
        router.get("/report") { _ in try await report() }
        router.get("/status") { _ in
            .json(try await StoreFailure.translating(topic: .order) { try await store.status() })
        }
    }

    /// One entity, or `null` (200) when the id names nothing, as the original answered.
    func one(_ topic: Topic, _ request: Request) async throws -> Response {
        let id = try request.entityID()
        let array = try await StoreFailure.translating(topic: topic) { try await store.readJSON(topic, ids: [id]) }
        guard array.count >= 2, array.first == UInt8(ascii: "["), array.last == UInt8(ascii: "]") else {
            throw EventStoreError(.unexpectedReply, "read of one \(topic.rawValue) gave no JSON array")
        }
        return .json(bytes: ByteBuffer(bytes: array[1..<(array.count - 1)]))
    }

    /// Orders that no billing names, in creation order.
    func unbilled() async throws -> Response {
        try await StoreFailure.translating(topic: .order) {
            async let orders = store.findAll(Order.self)
            async let billings = store.findAll(Billing.self)
            let billed = Set(try await billings.map(\.orderID))
            return .json(try await orders.filter { !billed.contains($0.id) })
        }
    }

    /// Every list at once: `{"products":…,"inventory":…,"customers":…,"orders":…,"billings":…}`.
    func report() async throws -> Response {
        try await StoreFailure.translating(topic: .order) {
            async let products = store.findAllJSON(.product)
            async let inventory = store.findAllJSON(.inventory)
            async let customers = store.findAllJSON(.customer)
            async let orders = store.findAllJSON(.order)
            async let billings = store.findAllJSON(.billing)
            let parts = [("products", try await products), ("inventory", try await inventory), ("customers", try await customers),
                         ("orders", try await orders), ("billings", try await billings)]
            var body = ByteBuffer()
            body.writeString("{")
            for (index, (name, json)) in parts.enumerated() {
                body.writeString(index == 0 ? "\"\(name)\":" : ",\"\(name)\":")
                body.writeBytes(json)
            }
            body.writeString("}")
            return .json(bytes: body)
        }
    }
}
