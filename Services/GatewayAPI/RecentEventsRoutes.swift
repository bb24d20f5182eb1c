import ShopAPI
import ShopDomain
import ShopEventStore
import ShopHTTP
import ShopJSON

/// `GET /events/recent?topic=&action=&aggregate_id=&since=&before=&limit=`: the events still in Redis, newest first,
/// `{"events":[…],"next":cursor-or-null}`; `before=<next>` reads the page after. `GET /events` (the archive) reads
/// forward in commit order; the console shows the newest first, which Redis answers without PostgreSQL.
struct RecentEventsRoutes: Sendable {
    let store: EventStore
    static let defaultLimit = 50
    static let maxLimit = 1000
    static let parameterNames: Set<String> = ["topic", "action", "aggregate_id", "since", "before", "limit"]

    func register(_ router: inout Router) {
        router.get("/events/recent") { request in try await recent(request) }
    }

    func recent(_ request: Request) async throws -> Response {
        if let unknown = request.query.keys.sorted().first(where: { !Self.parameterNames.contains($0) }) {
            throw HTTPError(.badRequest, "unknown parameter \(String(unknown.prefix(40)).debugDescription); known: "
                            + Self.parameterNames.sorted().joined(separator: ", "))
        }
        var filter = RecentEventFilter()
        if request.query["topic"] != nil { filter.topics = try DeadLetterRoutes.topics(request) }
        if let name = request.query["action"] {
            guard let action = EventAction(rawValue: name) else {
                throw HTTPError(.badRequest, "action must be created, updated or deleted, got \(String(name.prefix(40)).debugDescription)")
            }
            filter.actions = [action]
        }
        if request.query["aggregate_id"] != nil { filter.aggregateID = try request.entityID(query: "aggregate_id") }
        if let text = request.query["since"] {
            guard let since = UInt64(text), since < 1 << 53 else {
                throw HTTPError(.badRequest, "since must be a time in Unix milliseconds, got \(String(text.prefix(40)).debugDescription)")
            }
            filter.since = since
        }
        if let text = request.query["before"] {
            guard let before = EntryID(text) ?? UInt64(text).map({ EntryID(milliseconds: $0, sequence: 0) }),
                  before.milliseconds < 1 << 53, before.sequence < 1 << 53 else {
                throw HTTPError(.badRequest, "before must be a cursor from next, an entry id or Unix milliseconds, got \(String(text.prefix(40)).debugDescription)")
            }
            filter.before = before
        }
        let limit = try request.integerQuery("limit", default: Self.defaultLimit, in: 1...Self.maxLimit)
        // Nothing comes before the very first position (and Redis refuses an exclusive range ending there).
        if filter.before == .zero { return .json(bytes: ByteBuffer(staticString: #"{"events":[],"next":null}"#)) }
        let page = try await StoreFailure.translating(topic: filter.topics[0]) { try await store.recentEvents(filter, limit: limit) }
        var body = ByteBuffer(staticString: #"{"events":["#)
        for (index, event) in page.events.enumerated() {
            if index > 0 { body.writeStaticString(",") }
            EventJSON.write(event, into: &body)
        }
        body.writeStaticString(#"],"next":"#)
        if let next = page.next { JSONWriter.string("\(next)", into: &body) } else { body.writeStaticString("null") }
        body.writeStaticString("}")
        return .json(bytes: body)
    }
}
