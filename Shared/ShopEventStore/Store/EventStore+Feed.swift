import ShopDomain
import ShopRedis

extension EventStore {
    /// The newest entry id of each topic (`0-0` for a topic with no events): where a live feed starts.
    public func newestEntryIDs() async throws -> [Topic: String] {
        let streams = Topic.allCases.flatMap { topic in EventAction.allCases.map { (topic, TopicKeys(topic).stream($0)) } }
        let replies = try await redis.pipeline(streams.map { ["XREVRANGE", RESPArgument($0.1), "+", "-", "COUNT", "1"] })
        var newest: [Topic: EntryID] = [:]
        for ((topic, _), reply) in zip(streams, replies) {
            guard let id = EventConsumer.entries(try reply.get()).first.flatMap({ EntryID($0.id) }) else { continue }
            if let known = newest[topic], known >= id { continue }
            newest[topic] = id
        }
        return Dictionary(uniqueKeysWithValues: Topic.allCases.map { ($0, newest[$0].map { "\($0)" } ?? "0-0") })
    }

    /// Events of every topic after `cursor` (per topic, exclusive), each topic's in commit order, at most `limit`
    /// per topic; one pipelined round trip.
    public func events(after cursor: [Topic: String], limit: Int) async throws -> [StoredEvent] {
        var commands: [[RESPArgument]] = []
        var streams: [(Topic, EventAction)] = []
        for topic in Topic.allCases {
            let start = cursor[topic].map { "(\($0)" } ?? "-"
            for action in EventAction.allCases {
                commands.append(["XRANGE", RESPArgument(TopicKeys(topic).stream(action)), RESPArgument(start), "+",
                                 "COUNT", RESPArgument(limit)])
                streams.append((topic, action))
            }
        }
        let replies = try await redis.pipeline(commands)
        var byTopic: [Topic: [[StoredEvent]]] = [:]
        for ((topic, action), reply) in zip(streams, replies) {
            byTopic[topic, default: []].append(
                try StoredEvent.entries(of: try reply.get(), topic: topic, action: action, maxEntitySize: maxEntitySize))
        }
        return Topic.allCases.flatMap { Self.merge(byTopic[$0] ?? [], limit: limit) }
    }

    /// Every event of one entity still in Redis, in commit order, reading the topic's streams a page at a time;
    /// `scanned` counts the entries read, and reading stops after `maxScanned` (then `complete` is false).
    public func history(_ topic: Topic, id: String, maxScanned: Int = 1_000_000) async throws
        -> (events: [StoredEvent], scanned: Int, complete: Bool) {
        var events: [StoredEvent] = []
        var after: String?
        var scanned = 0
        while scanned < maxScanned {
            let page = try await replay(topic, after: after, limit: 2000)
            scanned += page.count
            events += page.filter { $0.aggregateID == id }
            guard page.count == 2000, let last = page.last else { return (events, scanned, true) }
            after = "\(last.entryID)"
        }
        return (events, scanned, false)
    }
}

/// Which events `EventStore.recentEvents` looks for.
public struct RecentEventFilter: Sendable {
    public var topics: [Topic] = Topic.allCases
    public var actions: [EventAction] = EventAction.allCases
    public var aggregateID: String?
    /// Only events committed at or after this Unix millisecond.
    public var since: UInt64?
    /// Only events before this position (exclusive): the previous page's `next`, or a time (`<ms>-0`).
    public var before: EntryID?

    public init() {}
}

extension EventStore {
    /// Events still in Redis, newest first (across topics by entry id, which is commit time), at most `limit`
    /// of them matching `filter` (more when several share the last one's id, so `next` never splits a tie);
    /// `next` is where the following page starts (exclusive), nil when nothing older is left. At most
    /// `maxScanned` entries are read per call; a page cut short by that still has a `next`.
    public func recentEvents(_ filter: RecentEventFilter, limit: Int, maxScanned: Int = 50_000) async throws
        -> (events: [StoredEvent], next: EntryID?) {
        let streams = filter.topics.flatMap { topic in filter.actions.map { (topic, $0) } }
        let chunk = min(max(limit, 100), 1000)
        let low = filter.since.map { "\($0)-0" } ?? "-"
        var result: [StoredEvent] = []
        var end = filter.before
        var scanned = 0
        while scanned < maxScanned {
            let high = end.map { "(\($0)" } ?? "+"
            let replies = try await redis.pipeline(streams.map { topic, action in
                ["XREVRANGE", RESPArgument(TopicKeys(topic).stream(action)), RESPArgument(high), RESPArgument(low),
                 "COUNT", RESPArgument(chunk)]
            })
            var merged: [StoredEvent] = []
            var boundary: EntryID?
            for ((topic, action), reply) in zip(streams, replies) {
                let events = try StoredEvent.entries(of: try reply.get(), topic: topic, action: action, maxEntitySize: maxEntitySize)
                if events.count == chunk, let last = events.last?.entryID { boundary = max(boundary ?? .zero, last) }
                merged += events
            }
            // Below the boundary a full stream may hold entries not read yet: those wait for the next round.
            merged = merged.filter { event in boundary.map { event.entryID >= $0 } ?? true }.sorted { $0.entryID > $1.entryID }
            var cut: EntryID?
            for event in merged {
                if let cut, event.entryID != cut { return (result, cut) }
                scanned += 1
                guard filter.aggregateID == nil || event.aggregateID == filter.aggregateID else { continue }
                result.append(event)
                if result.count >= limit, cut == nil { cut = event.entryID }
            }
            if let cut { return (result, cut) }
            guard let boundary else { return (result, nil) }
            end = boundary
        }
        return (result, end)
    }
}

extension EventStore {
    /// The newest `perStream` events of each of every topic's streams, oldest first (by entry id, across topics):
    /// what a live view shows, one pipelined round trip however much was written.
    public func newestEvents(perStream: Int) async throws -> [StoredEvent] {
        let streams = Topic.allCases.flatMap { topic in EventAction.allCases.map { (topic, $0) } }
        let replies = try await redis.pipeline(streams.map { topic, action in
            ["XREVRANGE", RESPArgument(TopicKeys(topic).stream(action)), "+", "-", "COUNT", RESPArgument(perStream)]
        })
        var events: [StoredEvent] = []
        for ((topic, action), reply) in zip(streams, replies) {
            events += try StoredEvent.entries(of: try reply.get(), topic: topic, action: action, maxEntitySize: maxEntitySize)
        }
        return events.sorted { $0.entryID < $1.entryID }
    }
}
