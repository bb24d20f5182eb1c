import ShopAPI
import ShopDomain
import ShopEventStore
import ShopHTTP

/// The queries of the public API. Lists come from the gateway's document cache, brought up to date from the
/// streams before each read (read-your-writes), tagged with an `ETag` (304 when `If-None-Match` matches) and
/// paged on request (`?limit=N&after=<id>`, `Link: <…>; rel="next"`); one entity is one HMGET. `/status` has an
/// `ETag`, and one reading serves every client that accepts one up to a second old (the consoles: `SharedReading`).
struct QueryRoutes: Sendable {
    let store: EventStore
    let cache: DocumentCache
    let statusReading = SharedReading()

    func register(_ router: inout Router) {
        for topic in Topic.allCases {
            let paths = EntityPaths.of(topic)
            router.get(paths.collection) { request in
                let list = try await StoreFailure.translating(topic: topic) { try await cache.list(topic) }
                return try await ListAnswer.answer(request, list: list)
            }
            router.get(paths.item) { request in try await one(topic, request) }
        }
        router.get("/orders/unbilled") { request in try await unbilled(request) }
        router.get("/report") { request in try await report(request) }
        router.get("/status") { request in
            try await statusReading.answer(request, key: "", encoding: {
                try await StoreFailure.translating(topic: .order) { try await store.status() }
            })
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
    func unbilled(_ request: Request) async throws -> Response {
        let lists = try await StoreFailure.translating(topic: .order) { try await cache.lists([.order, .billing]) }
        let billings = lists[1]
        return try await ListAnswer.answer(request, list: lists[0], where: { !billings.holds(uniqueValue: $0) })
    }

    /// Every list at once: `{"products":…,"inventory":…,"customers":…,"orders":…,"billings":…}`.
    func report(_ request: Request) async throws -> Response {
        let topics: [(name: String, topic: Topic)] = [
            ("products", .product), ("inventory", .inventory), ("customers", .customer), ("orders", .order), ("billings", .billing),
        ]
        let lists = try await StoreFailure.translating(topic: .order) { try await cache.lists(topics.map(\.topic)) }
        let etag = DocumentList.etag(combining: lists.map(\.etag))
        if request.ifNoneMatch(etag) { return .notModified(etag: etag) }
        var parts: [ByteBuffer] = []
        for (index, (name, _)) in topics.enumerated() {
            parts.append(ByteBuffer(string: (index == 0 ? "{\"" : ",\"") + name + "\":"))
            parts += lists[index].jsonParts
        }
        parts.append(ByteBuffer(staticString: "}"))
        return Response.json(parts: parts).tagged(etag)
    }
}
