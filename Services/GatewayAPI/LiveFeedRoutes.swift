import ShopAPI
import ShopDomain
import ShopEventStore
import ShopHTTP
import Synchronization

/// `GET /events/live`: new events as Server-Sent Events (`text/event-stream`), for the console's live tail.
///
/// ShopHTTP answers with whole responses (no streaming body), so the feed is the bounded form SSE allows: each
/// response holds the events after the client's `Last-Event-ID` (or `?after=`), waiting up to `wait` for the
/// first, then ends with `retry:`; `EventSource` reconnects by itself and sends the id of the last event it got.
/// Without a cursor the answer is at once: an `event: hello` whose id is the newest position. The id is the
/// newest entry id of each topic, comma-separated in topic order (customer, product, inventory, order, billing).
///
/// Open consoles share one look at the streams' heads (`FeedHeads`, refreshed at most every `pollInterval`), so
/// an idle feed costs Redis the same whether one console is open or twenty; events are read only when a head moved.
struct LiveFeedRoutes: Sendable {
    let store: EventStore
    let heads: FeedHeads
    var wait: Duration = .milliseconds(1500)
    var pollInterval: Duration = .milliseconds(200)
    /// How long `EventSource` waits before it reconnects, in milliseconds (the `retry:` field).
    var retryMilliseconds = 100
    static let maxEventsPerTopic = 500

    init(store: EventStore) {
        self.store = store
        self.heads = FeedHeads(store: store)
    }

    func register(_ router: inout Router) {
        router.get("/events/live") { request in try await feed(request) }
    }

    func feed(_ request: Request) async throws -> Response {
        let filter = try request.query["topic"].map { name throws(HTTPError) in try DeadLetterRoutes.topic(named: name) }
        let given = request.headers.first(name: "last-event-id") ?? request.query["after"]
        guard let given, !given.isEmpty else {
            let newest = try await StoreFailure.translating(topic: .order) { try await heads.current(maxAge: .zero) }
            return Self.stream(retry: retryMilliseconds, hello: Self.cursorText(newest))
        }
        var cursor = try Self.cursor(given)
        let clock = ContinuousClock()
        let deadline = clock.now + wait
        var body = ByteBuffer()
        while true {
            let newest = try await StoreFailure.translating(topic: .order) { try await heads.current(maxAge: pollInterval) }
            if Topic.allCases.contains(where: { (newest[$0] ?? .zero) > (cursor[$0] ?? .zero) }) {
                let events = try await StoreFailure.translating(topic: .order) {
                    try await store.events(after: cursor.mapValues { "\($0)" }, limit: Self.maxEventsPerTopic)
                }
                for event in events {
                    cursor[event.topic] = max(cursor[event.topic] ?? .zero, event.entryID)
                    if let filter, event.topic != filter { continue }
                    body.writeString("id: \(Self.cursorText(cursor))\nevent: event\ndata: ")
                    EventJSON.write(event, into: &body)
                    body.writeStaticString("\n\n")
                }
                if !events.isEmpty {
                    if body.readableBytes == 0 { body.writeString("id: \(Self.cursorText(cursor))\nevent: skip\ndata: {}\n\n") }
                    break
                }
            }
            if clock.now + pollInterval >= deadline { break }
            try await Task.sleep(for: pollInterval)
        }
        var response = Self.stream(retry: retryMilliseconds, hello: nil)
        response.bodyParts.append(body)
        return response
    }

    static func stream(retry: Int, hello cursor: String?) -> Response {
        var body = ByteBuffer(string: "retry: \(retry)\n\n")
        if let cursor { body.writeString("id: \(cursor)\nevent: hello\ndata: {\"cursor\":\"\(cursor)\"}\n\n") }
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/event-stream; charset=utf-8")
        headers.add(name: "cache-control", value: "no-store")
        return Response(status: .ok, headers: headers, body: body)
    }

    static func cursorText(_ cursor: [Topic: EntryID]) -> String {
        Topic.allCases.map { "\(cursor[$0] ?? .zero)" }.joined(separator: ",")
    }

    /// Five entry ids, comma-separated in topic order; anything else is a 400.
    static func cursor(_ text: String) throws(HTTPError) -> [Topic: EntryID] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == Topic.allCases.count, text.count <= 200 else {
            throw HTTPError(.badRequest, "Last-Event-ID (or after) must be \(Topic.allCases.count) entry ids separated by commas")
        }
        var cursor: [Topic: EntryID] = [:]
        for (topic, part) in zip(Topic.allCases, parts) {
            guard let id = EntryID(String(part)), id.milliseconds < 1 << 53, id.sequence < 1 << 53 else {
                throw HTTPError(.badRequest, "Last-Event-ID (or after): \(String(part.prefix(40)).debugDescription) is not an entry id")
            }
            cursor[topic] = id
        }
        return cursor
    }
}

/// The newest entry id of every topic, read at most once per `maxAge` however many feeds ask.
final class FeedHeads: Sendable {
    let store: EventStore
    private let cached = Mutex<(at: ContinuousClock.Instant, heads: [Topic: EntryID])?>(nil)

    init(store: EventStore) {
        self.store = store
    }

    func current(maxAge: Duration) async throws -> [Topic: EntryID] {
        let now = ContinuousClock.now
        if let cached = cached.withLock({ $0 }), now - cached.at <= maxAge { return cached.heads }
        let heads = try await store.newestEntryIDs().compactMapValues { EntryID($0) }
        cached.withLock { $0 = (now, heads) }
        return heads
    }
}
