import NIOCore
import ShopDomain
import ShopRedis

extension DocumentCache {
    /// Applies the topic's entries after `position` to `list`, a page of each stream at a time merged in commit
    /// order; returns the new position, or nil when `checkTrimming` finds entries after `position` trimmed away
    /// (only a load can recover what they said).
    func catchUp(_ topic: Topic, list: inout DocumentList, from position: EntryID, checkTrimming: Bool) async throws -> EntryID? {
        let keys = TopicKeys(topic)
        var position = position
        var firstRound = true
        while true {
            var commands = keys.streams.map { stream -> [RESPArgument] in
                ["XRANGE", RESPArgument(stream), RESPArgument("(\(position)"), "+", "COUNT", RESPArgument(pageSize)]
            }
            let checking = checkTrimming && firstRound
            if checking { commands += keys.streams.map { ["XINFO", "STREAM", RESPArgument($0)] } }
            let replies = try await store.redis.pipeline(commands)
            if checking, try replies[3...].contains(where: { try Self.trimmed(after: position, info: $0) }) { return nil }
            firstRound = false

            var events: [StoredEvent] = []
            // A full page may stop short of entries of the other streams: only entries up to the lowest last id of
            // the full pages are certainly all known.
            var bound: EntryID?
            for (index, action) in EventAction.allCases.enumerated() {
                let page = try StoredEvent.entries(of: replies[index].get(), topic: topic, action: action,
                                                   maxEntitySize: store.maxEntitySize)
                if page.count == pageSize, let last = page.last?.entryID { bound = min(bound ?? last, last) }
                events += page
            }
            events.sort { $0.entryID < $1.entryID }
            for event in events {
                if let bound, event.entryID > bound { break }
                Self.apply(event, to: &list)
                position = event.entryID
            }
            if bound == nil { return position }
        }
    }

    /// Loads the topic's live documents from the projection in creation order, a page of ids at a time.
    func loadProjection(_ topic: Topic, into list: inout DocumentList) async throws {
        let keys = TopicKeys(topic)
        var lowest = "-inf"
        while true {
            let reply = try await store.redis.send("ZRANGE", RESPArgument(keys.ids), RESPArgument(lowest), "+inf", "BYSCORE",
                                                   "LIMIT", "0", RESPArgument(pageSize), "WITHSCORES")
            guard let flat = reply.array, flat.count % 2 == 0 else {
                throw EventStoreError(.unexpectedReply, "ZRANGE: unexpected reply \(reply)")
            }
            let ids = stride(from: 0, to: flat.count, by: 2).compactMap { flat[$0].string }
            guard !ids.isEmpty, ids.count * 2 == flat.count, let score = flat.last?.string else { return }
            let documents = try await store.redis.send([RESPArgument("HMGET"), RESPArgument(keys.documents)] + ids.map { RESPArgument($0) })
            guard let values = documents.array, values.count == ids.count else {
                throw EventStoreError(.unexpectedReply, "HMGET: unexpected reply \(documents)")
            }
            for (id, value) in zip(ids, values) {
                if let document = value.bytes {
                    list.upsert(id: id, document: document)
                } else if let assembled = try await store.assembledDocument(topic, id: id) {
                    // A live entity written before documents existed: the read script assembles it from its fields.
                    list.upsert(id: id, document: assembled)
                }
            }
            if ids.count < pageSize { return }
            lowest = "(\(score)"
        }
    }

    static func apply(_ event: StoredEvent, to list: inout DocumentList) {
        switch event.action {
        case .created: list.upsert(id: event.aggregateID, document: ByteBuffer(bytes: event.entity))
        case .updated: list.update(id: event.aggregateID, document: ByteBuffer(bytes: event.entity))
        case .deleted: list.remove(id: event.aggregateID)
        }
    }

    /// Whether `XINFO STREAM` says entries after `position` may have been trimmed: entries were removed (trimming
    /// takes the oldest) and the oldest one left, or the newest ever when none is left, is newer than `position`.
    /// (No stream: nothing was trimmed.)
    static func trimmed(after position: EntryID, info: Result<RESPValue, RedisServerError>) throws -> Bool {
        guard case .success(let reply) = info else { return false }
        let fields = EventStore.dictionary(reply)
        guard let added = fields["entries-added"]?.int, let length = fields["length"]?.int, added > length else { return false }
        let boundary = length == 0 ? fields["last-generated-id"] : fields["recorded-first-entry-id"]
        guard let oldest = boundary?.string.flatMap(EntryID.init) else { return true }
        return oldest > position
    }
}

extension EventStore {
    /// Where a topic's history stands: the id of its newest entry, and the epoch of its clock (set when the clock
    /// is created, so a flushed or restored Redis shows as a new epoch).
    public struct TopicClock: Sendable, Equatable {
        public var position: EntryID
        public var epoch: String?
    }

    /// The clocks of several topics, in one round trip.
    public func clocks(_ topics: [Topic]) async throws -> [TopicClock] {
        let replies = try await redis.pipeline(topics.map { ["HMGET", RESPArgument(TopicKeys($0).clock), "ms", "seq", "epoch"] })
        return try replies.map { result in
            let reply = try result.get()
            guard let values = reply.array, values.count == 3 else {
                throw EventStoreError(.unexpectedReply, "HMGET clock: unexpected reply \(reply)")
            }
            guard let ms = values[0].string.flatMap(UInt64.init), let seq = values[1].string.flatMap(UInt64.init) else {
                return TopicClock(position: .zero, epoch: values[2].string)
            }
            return TopicClock(position: EntryID(milliseconds: ms, sequence: seq), epoch: values[2].string)
        }
    }

    /// One live entity's document assembled from its projection fields (for entities stored before documents).
    func assembledDocument(_ topic: Topic, id: String) async throws -> ByteBuffer? {
        let array = try await read(topic, selection: [RESPArgument("ids"), RESPArgument(id)])
        guard array.count > 2, array != Array("[null]".utf8) else { return nil }
        return ByteBuffer(bytes: array[1..<(array.count - 1)])
    }
}
