import ShopAPI
import ShopDomain
import ShopEventStore
import ShopHTTP
import Synchronization

/// `GET /events/live`: new events as Server-Sent Events (`text/event-stream`), for the console's live tail.
///
/// ShopHTTP answers with whole responses (no streaming body), so the feed is the bounded form SSE allows: each
/// response holds the events after the client's `Last-Event-ID` (or `?after=`), waiting up to `wait` for the
/// first, then ends with `retry:` (100 ms after a quiet answer, 1 s after one with events); `EventSource` reconnects by itself and sends the id of the last event it got.
/// Without a cursor the answer is at once: an `event: hello` whose id is the newest position. The id is the
/// newest entry id of each topic, comma-separated in topic order (customer, product, inventory, order, billing).
///
/// Open consoles share one look at the streams' heads (`FeedHeads`, refreshed at most every `pollInterval`), so
/// an idle feed costs Redis the same whether one console is open or twenty; events are read only when a head moved,
/// once for every console: the newest 20 of each stream. Under heavy load a console so sees the newest events (an
/// `event: gap` says that some were skipped) instead of every one; `GET /events/recent` and `/events` have them all.
/// Each answer ends with `id:` (the position) on an `event: position`.
struct LiveFeedRoutes: Sendable {
    let store: EventStore
    let heads: FeedHeads
    /// How long a request with nothing new waits before it ends quietly: long, so that an open console on a quiet
    /// shop asks about once every few seconds, and within the server's shutdown grace period.
    var wait: Duration = .seconds(5)
    var pollInterval: Duration = .milliseconds(200)
    /// How long `EventSource` waits before it reconnects, in milliseconds (the `retry:` field): at once after a quiet
    /// answer (which already waited), a second after one that carried events, so that under load a console asks
    /// about once a second and gets a second's events at a time, instead of asking ten times a second.
    var retryMilliseconds = 100
    var retryAfterEventsMilliseconds = 1000

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
                let batch = try await StoreFailure.translating(topic: .order) { try await heads.newestEvents(at: newest) }
                let fresh = batch.filter { $0.event.entryID > (cursor[$0.event.topic] ?? .zero) }
                // A topic whose every listed event is new may have had more than the feed lists: say it skipped some.
                let skipped = Topic.allCases.filter { topic in
                    let listed = batch.filter { $0.event.topic == topic }
                    return listed.count >= FeedHeads.perStream && fresh.filter({ $0.event.topic == topic }).count == listed.count
                }
                for topic in Topic.allCases { cursor[topic] = max(cursor[topic] ?? .zero, newest[topic] ?? .zero) }
                for (event, _) in fresh { cursor[event.topic] = max(cursor[event.topic] ?? .zero, event.entryID) }
                if !skipped.isEmpty {
                    body.writeString("event: gap\ndata: {\"topics\":[\(skipped.map { "\"\($0.rawValue)\"" }.joined(separator: ","))]}\n\n")
                }
                for (event, json) in fresh where filter == nil || event.topic == filter {
                    body.writeStaticString("event: event\ndata: ")
                    body.writeImmutableBuffer(json)
                    body.writeStaticString("\n\n")
                }
                body.writeString("id: \(Self.cursorText(cursor))\nevent: position\ndata: {}\n\n")
                break
            }
            if clock.now + pollInterval >= deadline { break }
            try await Task.sleep(for: pollInterval)
        }
        var response = Self.stream(retry: body.readableBytes > 0 ? retryAfterEventsMilliseconds : retryMilliseconds, hello: nil)
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

/// The newest entry id of every topic, read at most once per `maxAge` however many feeds ask, and the newest events
/// of every stream read (and encoded as JSON) once per change of those ids: twenty consoles cost Redis and the
/// gateway what one does.
final class FeedHeads: Sendable {
    /// Events listed per stream when the heads moved; a console under heavy load sees the newest of them (and a gap).
    static let perStream = 20
    let store: EventStore
    private let cached = Mutex<(at: ContinuousClock.Instant, heads: [Topic: EntryID])?>(nil)
    private let batch = Mutex<(heads: [Topic: EntryID], events: [(event: StoredEvent, json: ByteBuffer)])?>(nil)

    /// The newest events, each with its JSON, read again only when `heads` differs from the last read's.
    func newestEvents(at heads: [Topic: EntryID]) async throws -> [(event: StoredEvent, json: ByteBuffer)] {
        if let last = batch.withLock({ $0 }), last.heads == heads { return last.events }
        let events = try await store.newestEvents(perStream: Self.perStream).map { event in
            var json = ByteBuffer()
            EventJSON.write(event, into: &json)
            return (event, json)
        }
        batch.withLock { $0 = (heads, events) }
        return events
    }

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
