import ShopDomain
import ShopRedis

extension EventStore {
    /// Rebuilds a topic's projection from its events: folds them, writes the result under fresh staging keys,
    /// and swaps it in with one script, which refuses (and the rebuild retries) when events arrived meanwhile.
    public func rebuild(_ topic: Topic) async throws -> RebuildReport {
        let clock = ContinuousClock()
        let start = clock.now
        let live = TopicKeys(topic)
        let schema = TopicSchema.of(topic)
        for attempt in 1...5 {
            let mark = try await clockMark(topic)
            let fold = try await foldEvents(topic)
            let staging = TopicKeys(staging: topic, token: Self.makeEventID())
            let ids = fold.orderedIDs
            try await writeStaged(fold, ids: ids, into: staging)
            var arguments = Self.scriptPrefix(base: live.tag, schema: schema)
            arguments += [RESPArgument(mark), RESPArgument(staging.base)] + ids.map { RESPArgument($0) }
            do {
                _ = try await run(StoreScripts.swapProjection, keys: Self.scriptKeys(live), arguments: arguments)
            } catch let error as EventStoreError where error.code == .concurrentWrites {
                logger.info("rebuild raced with appends; retrying", metadata: ["topic": "\(topic.rawValue)", "attempt": "\(attempt)"])
                continue
            }
            logger.info("projection rebuilt", metadata: ["topic": "\(topic.rawValue)", "rebuild.events": "\(fold.eventCount)"])
            return RebuildReport(events: fold.eventCount, entities: ids.count, duration: clock.now - start, attempts: attempt)
        }
        throw EventStoreError(.concurrentWrites, "rebuild of \(topic.rawValue) gave up: events kept arriving")
    }

    /// Compares the projection with the fold of the events; empty when they agree. Retries while appends race it.
    public func verify(_ topic: Topic) async throws -> [Difference] {
        var differences: [Difference] = []
        for _ in 1...5 {
            let mark = try await clockMark(topic)
            let fold = try await foldEvents(topic)
            differences = try await compare(fold, topic: topic)
            if try await clockMark(topic) == mark { return differences }
        }
        return differences
    }

    /// The append clock's position (`ms-seq`), which changes with every append to the topic.
    private func clockMark(_ topic: Topic) async throws -> String {
        let reply = try await redis.send("HMGET", RESPArgument(TopicKeys(topic).clock), "ms", "seq")
        let parts = reply.array ?? []
        return "\(parts.first?.string ?? "")-\(parts.dropFirst().first?.string ?? "")"
    }

    /// Reads every event of the topic (each stream in pages, pipelined) and folds them in commit order.
    func foldEvents(_ topic: Topic) async throws -> ProjectionFold {
        let keys = TopicKeys(topic)
        let page = 2_000
        var runs: [[StoredEvent]] = Array(repeating: [], count: EventAction.allCases.count)
        var cursors: [String?] = Array(repeating: "-", count: runs.count)
        while cursors.contains(where: { $0 != nil }) {
            let open = cursors.indices.filter { cursors[$0] != nil }
            let replies = try await redis.pipeline(open.map { index in
                [RESPArgument("XRANGE"), RESPArgument(keys.stream(EventAction.allCases[index])), RESPArgument(cursors[index]!),
                 "+", "COUNT", RESPArgument(page)]
            })
            for (index, result) in zip(open, replies) {
                let entries = try StoredEvent.entries(of: try result.get(), topic: topic, action: EventAction.allCases[index],
                                                      maxEntitySize: maxEntitySize)
                runs[index] += entries
                cursors[index] = entries.count < page ? nil : "(\(entries[entries.count - 1].entryID)"
            }
        }
        var fold = ProjectionFold(schema: TopicSchema.of(topic))
        for event in Self.merge(runs, limit: .max) {
            try fold.apply(event)
        }
        return fold
    }

    private func writeStaged(_ fold: ProjectionFold, ids: [String], into staging: TopicKeys) async throws {
        var commands: [[RESPArgument]] = []
        func flush(force: Bool) async throws {
            guard commands.count >= 2_000 || (force && !commands.isEmpty) else { return }
            for result in try await redis.pipeline(commands) { _ = try result.get() }
            commands.removeAll(keepingCapacity: true)
        }
        for (position, id) in ids.enumerated() {
            guard let record = fold.records[id] else { continue }
            var hset: [RESPArgument] = ["HSET", RESPArgument(staging.entity(id))]
            for field in record.fields { hset += [RESPArgument(field.name), RESPArgument(bytes: field.value)] }
            if record.fields.isEmpty { hset += ["id", RESPArgument(bytes: RawJSON.encode(id))] }
            commands.append(hset)
            for list in record.lists where !list.items.isEmpty {
                commands.append(["RPUSH", RESPArgument(staging.list(list.name, id))] + list.items.map { RESPArgument(bytes: $0) })
            }
            commands.append(["ZADD", RESPArgument(staging.ids), RESPArgument(position + 1), RESPArgument(id)])
            commands.append(["HSET", RESPArgument(staging.versions), RESPArgument(id), RESPArgument(fold.versions[id] ?? 1)])
            try await flush(force: false)
        }
        if let field = fold.schema.uniqueField {
            for (value, id) in fold.uniqueOwners {
                commands.append(["HSET", RESPArgument(staging.unique(field)), RESPArgument(value), RESPArgument(id)])
                try await flush(force: false)
            }
        }
        try await flush(force: true)
    }

    private func compare(_ fold: ProjectionFold, topic: Topic) async throws -> [Difference] {
        let keys = TopicKeys(topic)
        let schema = fold.schema
        var commands: [[RESPArgument]] = [["ZRANGE", RESPArgument(keys.ids), "0", "-1"], ["HGETALL", RESPArgument(keys.versions)]]
        if let field = schema.uniqueField { commands.append(["HGETALL", RESPArgument(keys.unique(field))]) }
        let replies = try await redis.pipeline(commands)
        let projectedIDs = (try replies[0].get().array ?? []).compactMap(\.string)
        var projectedVersions: [String: Int] = [:]
        for pair in try replies[1].get().pairs ?? [] {
            if let id = pair.key.string { projectedVersions[id] = pair.value.int }
        }
        var projectedOwners: [String: String] = [:]
        if replies.count > 2 {
            for pair in try replies[2].get().pairs ?? [] {
                if let value = pair.key.string { projectedOwners[value] = pair.value.string }
            }
        }
        let json = try await readJSON(topic, ids: projectedIDs)
        let elements = try RawJSON.elements(of: json[...])
        var projected: [String: ProjectionRecord] = [:]
        for (id, element) in zip(projectedIDs, elements) where element != Array("null".utf8)[...] {
            projected[id] = try ProjectionRecord(entityJSON: element, schema: schema)
        }

        var differences: [Difference] = []
        let expectedIDs = fold.orderedIDs
        for id in expectedIDs {
            guard let mine = projected[id] else {
                differences.append(Difference(kind: .missing, aggregateID: id, projection: "absent",
                                              events: String(decoding: fold.records[id]?.json ?? [], as: UTF8.self)))
                continue
            }
            if let folded = fold.records[id], !mine.sameContent(as: folded) {
                differences.append(Difference(kind: .entity, aggregateID: id, projection: String(decoding: mine.json, as: UTF8.self),
                                              events: String(decoding: folded.json, as: UTF8.self)))
            }
            if projectedVersions[id] != fold.versions[id] {
                differences.append(Difference(kind: .version, aggregateID: id, projection: "\(projectedVersions[id] ?? 0)",
                                              events: "\(fold.versions[id] ?? 0)"))
            }
        }
        for id in projectedIDs where fold.records[id] == nil {
            differences.append(Difference(kind: .unexpected, aggregateID: id, projection: "present", events: "absent"))
        }
        if differences.isEmpty, projectedIDs != expectedIDs {
            differences.append(Difference(kind: .order, aggregateID: "", projection: projectedIDs.joined(separator: ","),
                                          events: expectedIDs.joined(separator: ",")))
        }
        if schema.uniqueField != nil, projectedOwners != fold.uniqueOwners {
            for value in Set(projectedOwners.keys).union(fold.uniqueOwners.keys) where projectedOwners[value] != fold.uniqueOwners[value] {
                differences.append(Difference(kind: .unique, aggregateID: value, projection: projectedOwners[value] ?? "absent",
                                              events: fold.uniqueOwners[value] ?? "absent"))
            }
        }
        return differences
    }
}
