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

    /// Writes a folded topic into an empty Redis: entities, lists, live ids in creation order, versions, unique
    /// index, the append clock, and the three streams' last ids (empty streams), so new entry ids continue after
    /// the restored ones. Check `topicIsEmpty` first: this overwrites nothing it does not write.
    public func restore(_ restored: RestoreFold) async throws {
        let keys = TopicKeys(restored.topic)
        let fold = restored.fold
        var commands: [[RESPArgument]] = []
        func flush(force: Bool) async throws {
            guard commands.count >= 2_000 || (force && !commands.isEmpty) else { return }
            for result in try await redis.pipeline(commands) { _ = try result.get() }
            commands.removeAll(keepingCapacity: true)
        }
        for (position, id) in fold.orderedIDs.enumerated() {
            guard let record = fold.record(id) else { continue }
            var hset: [RESPArgument] = ["HSET", RESPArgument(keys.entity(id))]
            for field in record.fields { hset += [RESPArgument(field.name), RESPArgument(bytes: field.value)] }
            if record.fields.isEmpty { hset += ["id", RESPArgument(bytes: RawJSON.encode(id))] }
            commands.append(hset)
            for list in record.lists where !list.items.isEmpty {
                commands.append(["RPUSH", RESPArgument(keys.list(list.name, id))] + list.items.map { RESPArgument(bytes: $0) })
            }
            commands.append(["ZADD", RESPArgument(keys.ids), RESPArgument(position + 1), RESPArgument(id)])
            commands.append(["HSET", RESPArgument(keys.versions), RESPArgument(id), RESPArgument(fold.version(id) ?? 1)])
            try await flush(force: false)
        }
        if let field = fold.schema.uniqueField {
            for (value, id) in fold.uniqueOwners {
                commands.append(["HSET", RESPArgument(keys.unique(field)), RESPArgument(value), RESPArgument(id)])
                try await flush(force: false)
            }
        }
        if let last = restored.lastEntryID {
            commands.append(["HSET", RESPArgument(keys.clock), "ms", RESPArgument(String(last.milliseconds)),
                             "seq", RESPArgument(String(last.sequence)), "created", RESPArgument(fold.orderedIDs.count)])
            // An entry added and trimmed at once leaves an empty stream whose last id is the topic's newest.
            for stream in keys.streams {
                commands.append(["XADD", RESPArgument(stream), "MAXLEN", "0", RESPArgument(last.description), "restored", "1"])
            }
        }
        try await flush(force: true)
    }

    /// Restores the stock reservations of live orders (inventory topic), as the reservation script keeps them.
    public func restoreReservations(_ orders: [(orderID: String, productIDs: [String])], reservedAt: Int64) async throws {
        let keys = TopicKeys(.inventory)
        var commands: [[RESPArgument]] = []
        for (orderID, productIDs) in orders where !productIDs.isEmpty {
            var counts: [String: Int] = [:]
            var order: [String] = []
            for id in productIDs {
                if counts[id] == nil { order.append(id) }
                counts[id, default: 0] += 1
            }
            var hset: [RESPArgument] = ["HSET", RESPArgument(keys.reservation(orderID))]
            for id in order { hset += [RESPArgument(id), RESPArgument(counts[id] ?? 0)] }
            commands.append(hset)
            commands.append(["ZADD", RESPArgument(keys.reservations), RESPArgument(Int(reservedAt)), RESPArgument(orderID)])
            if commands.count >= 2_000 {
                for result in try await redis.pipeline(commands) { _ = try result.get() }
                commands.removeAll(keepingCapacity: true)
            }
        }
        if !commands.isEmpty { for result in try await redis.pipeline(commands) { _ = try result.get() } }
    }
}
