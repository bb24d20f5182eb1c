import ShopAPI
import ShopDomain
import ShopEventStore
import ShopHTTP

/// `GET /verify/{topic}`: the topic's projection in Redis compared with the fold of its events in Redis, every
/// difference listed (an entity missing on one side, or whose document differs). The load generator's
/// `projection-matches-events` check asks this instead of reading Redis itself. It writes nothing and shows nothing
/// that the lists and `/history` do not, so like the console's other reads it needs no token; it costs a read of
/// the topic's events and projection.
struct VerifyRoutes: Sendable {
    let store: EventStore

    /// The answer: `matches` is true when `differences` is empty.
    struct Verification: Encodable {
        var topic: String
        var differences: [String]
        var matches: Bool
    }

    func register(_ router: inout Router) {
        router.get("/verify/{topic}") { request in try await verify(request) }
    }

    func verify(_ request: Request) async throws -> Response {
        let topic = try DeadLetterRoutes.topic(named: request.parameters["topic"] ?? "")
        let differences = try await StoreFailure.translating(topic: topic) { try await store.verify(topic) }
        return .json(Verification(topic: topic.rawValue, differences: differences.map(\.description), matches: differences.isEmpty))
    }
}
