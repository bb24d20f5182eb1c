import ShopDomain
import ShopRedis

extension EventStore {
    /// A topic's events after `after` (exclusive; nil for the start), in commit order: its three streams merged
    /// by entry id, which the append script allocates strictly increasing across them.
    public func replay(_ topic: Topic, after: String? = nil, limit: Int) async throws -> [StoredEvent] {
        guard limit > 0 else { return [] }
        let start: String
        if let after {
            guard let id = EntryID(after) else { throw EventStoreError(.invalidInput, "not an entry id: \(after)") }
            start = "(\(id)"
        } else {
            start = "-"
        }
        let keys = TopicKeys(topic)
        let replies = try await redis.pipeline(EventAction.allCases.map { action in
            [RESPArgument("XRANGE"), RESPArgument(keys.stream(action)), RESPArgument(start), "+", "COUNT", RESPArgument(limit)]
        })
        var runs: [[StoredEvent]] = []
        for (action, result) in zip(EventAction.allCases, replies) {
            runs.append(try StoredEvent.entries(of: try result.get(), topic: topic, action: action, maxEntitySize: maxEntitySize))
        }
        return Self.merge(runs, limit: limit)
    }

    /// Merges runs that are each sorted by entry id into one sorted run of at most `limit` events.
    static func merge(_ runs: [[StoredEvent]], limit: Int) -> [StoredEvent] {
        var positions = Array(repeating: 0, count: runs.count)
        var merged: [StoredEvent] = []
        merged.reserveCapacity(min(limit, runs.reduce(0) { $0 + $1.count }))
        while merged.count < limit {
            var best: Int?
            for run in runs.indices where positions[run] < runs[run].count {
                if let current = best, runs[current][positions[current]].entryID < runs[run][positions[run]].entryID { continue }
                best = run
            }
            guard let chosen = best else { break }
            merged.append(runs[chosen][positions[chosen]])
            positions[chosen] += 1
        }
        return merged
    }
}
