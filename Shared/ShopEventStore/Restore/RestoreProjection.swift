import ShopDomain
import ShopRedis

extension EventStore {
    /// True when Redis holds nothing of `topic`: no projection, no clock, no stream entries (what restore expects).
    public func topicIsEmpty(_ topic: Topic) async throws -> Bool {
        let keys = TopicKeys(topic)
        var commands: [[RESPArgument]] = [["EXISTS", RESPArgument(keys.ids), RESPArgument(keys.versions), RESPArgument(keys.clock)]]
        commands += keys.streams.map { ["XLEN", RESPArgument($0)] }
        for reply in try await redis.pipeline(commands) where (try reply.get().int ?? 0) != 0 { return false }
        return true
    }

    /// Writes a folded topic into an empty Redis through the one projection writer (entities, lists, documents,
    /// ids in creation order, versions, unique index), then the append clock and the three streams' last ids
    /// (empty streams), so new entry ids continue after the restored ones. Check `topicIsEmpty` first.
    public func restore(_ restored: RestoreFold) async throws {
        let keys = TopicKeys(restored.topic)
        let fold = restored.fold
        try await writeProjection(fold, ids: fold.orderedIDs, into: keys)
        guard let last = restored.lastEntryID else { return }
        var commands: [[RESPArgument]] = [["HSET", RESPArgument(keys.clock), "ms", RESPArgument(String(last.milliseconds)),
                                           "seq", RESPArgument(String(last.sequence)), "created", RESPArgument(fold.orderedIDs.count)]]
        // An entry added and trimmed at once leaves an empty stream whose last id is the topic's newest.
        for stream in keys.streams {
            commands.append(["XADD", RESPArgument(stream), "MAXLEN", "0", RESPArgument(last.description), "restored", "1"])
        }
        for result in try await redis.pipeline(commands) { _ = try result.get() }
    }

    /// Compares the projection with a fold made outside Redis (the archive's); empty when they agree. After a
    /// restore the streams are empty, so this, not `verify(_:)`, is the check that the restore wrote everything.
    public func verify(_ restored: RestoreFold) async throws -> [Difference] {
        try await compare(restored.fold, topic: restored.topic)
    }

    /// Sends `commands` in one pipeline; any error reply fails the whole (a restore's writes into an empty Redis).
    public func write(_ commands: [[RESPArgument]]) async throws {
        for result in try await redis.pipeline(commands) { _ = try result.get() }
    }
}
