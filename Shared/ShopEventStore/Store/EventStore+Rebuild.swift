import ShopDomain
import ShopRedis
import ShopJSON

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
            let attemptStart = clock.now
            let fold = try await foldEvents(topic)
            let folded = clock.now
            let staging = TopicKeys(staging: topic, token: EntityID.make())
            let ids = fold.orderedIDs
            try await writeProjection(fold, ids: ids, into: staging)
            let staged = clock.now
            var arguments = Self.scriptPrefix(base: live.tag, schema: schema)
            arguments += [RESPArgument(mark), RESPArgument(staging.base)] + ids.map { RESPArgument($0) }
            do {
                _ = try await run(StoreScripts.swapProjection, keys: Self.scriptKeys(live), arguments: arguments)
            } catch let error as EventStoreError where error.code == .concurrentWrites {
                logger.info("rebuild raced with appends; retrying", metadata: ["event.topic": "\(topic.rawValue)", "retry.attempt": "\(attempt)"])
                continue
            }
            logger.info("projection rebuilt", metadata: ["event.topic": "\(topic.rawValue)", "rebuild.events": "\(fold.eventCount)"])
            let end = clock.now
            return RebuildReport(events: fold.eventCount, entities: ids.count, duration: end - start, attempts: attempt,
                                 foldDuration: folded - attemptStart, stageDuration: staged - folded, swapDuration: end - staged)
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

    /// Reads every event of the topic (its streams in pages, pipelined; the next page is in flight while this
    /// one is parsed) and folds them in commit order.
    func foldEvents(_ topic: Topic) async throws -> ProjectionFold {
        let keys = TopicKeys(topic)
        let actions = EventAction.allCases
        let page = 1_000
        @Sendable func fetch(_ cursors: [String?]) async throws -> [(index: Int, reply: RESPValue)] {
            let open = cursors.indices.filter { cursors[$0] != nil }
            guard !open.isEmpty else { return [] }
            let replies = try await redis.pipeline(open.map { index in
                [RESPArgument("XRANGE"), RESPArgument(keys.stream(actions[index])), RESPArgument(cursors[index]!),
                 "+", "COUNT", RESPArgument(page)]
            })
            return try zip(open, replies).map { ($0, try $1.get()) }
        }
        var runs: [[StoredEvent]] = Array(repeating: [], count: actions.count)
        var cursors: [String?] = Array(repeating: "-", count: actions.count)
        var current = try await fetch(cursors)
        while !current.isEmpty {
            for (index, reply) in current {
                let rows = reply.array ?? []
                let last = rows.last?.array?.first?.string
                cursors[index] = rows.count < page || last == nil ? nil : "(\(last!)"
            }
            let following = cursors
            async let next = fetch(following)
            for (index, reply) in current {
                runs[index] += try StoredEvent.entries(of: reply, topic: topic, action: actions[index], maxEntitySize: maxEntitySize)
            }
            current = try await next
        }
        var fold = ProjectionFold(schema: TopicSchema.of(topic))
        for event in Self.merge(runs, limit: .max) {
            try fold.apply(event)
        }
        return fold
    }

    /// Writes a folded projection (entities, lists, documents, ids in the given order, versions, unique index) under
    /// `staging`'s keys, pipelined: the one writer of a folded projection. Rebuild writes staging keys; restore (into an
    /// empty Redis) writes live keys.
    func writeProjection(_ fold: ProjectionFold, ids: [String], into staging: TopicKeys) async throws {
        var commands: [[RESPArgument]] = []
        func flush(force: Bool) async throws {
            guard commands.count >= 2_000 || (force && !commands.isEmpty) else { return }
            for result in try await redis.pipeline(commands) { _ = try result.get() }
            commands.removeAll(keepingCapacity: true)
        }
        // Ids and versions go in multi-member commands: far fewer commands than one per entity.
        var scores: [RESPArgument] = []
        var versions: [RESPArgument] = []
        var documents: [RESPArgument] = []
        for (position, id) in ids.enumerated() {
            guard let record = fold.record(id) else { continue }
            var hset: [RESPArgument] = ["HSET", RESPArgument(staging.entity(id))]
            for field in record.fields { hset += [RESPArgument(field.name), RESPArgument(bytes: field.value)] }
            if record.fields.isEmpty {
                var quoted: [UInt8] = []
                JSONWriter.string(id, into: &quoted)
                hset += ["id", RESPArgument(bytes: quoted)]
            }
            commands.append(hset)
            for list in record.lists where !list.items.isEmpty {
                commands.append(["RPUSH", RESPArgument(staging.list(list.name, id))] + list.items.map { RESPArgument(bytes: $0) })
            }
            scores += [RESPArgument(position + 1), RESPArgument(id)]
            versions += [RESPArgument(id), RESPArgument(fold.version(id) ?? 1)]
            documents += [RESPArgument(id), RESPArgument(bytes: record.json)]
            if scores.count >= 2_000 {
                commands += [["ZADD", RESPArgument(staging.ids)] + scores, ["HSET", RESPArgument(staging.versions)] + versions,
                             ["HSET", RESPArgument(staging.documents)] + documents]
                scores.removeAll(keepingCapacity: true)
                versions.removeAll(keepingCapacity: true)
                documents.removeAll(keepingCapacity: true)
            }
            try await flush(force: false)
        }
        if !scores.isEmpty {
            commands += [["ZADD", RESPArgument(staging.ids)] + scores, ["HSET", RESPArgument(staging.versions)] + versions,
                         ["HSET", RESPArgument(staging.documents)] + documents]
        }
        if let field = fold.schema.uniqueField {
            let owners = Array(fold.uniqueOwners)
            for start in stride(from: 0, to: owners.count, by: 1_000) {
                commands.append(["HSET", RESPArgument(staging.unique(field))]
                                + owners[start..<min(owners.count, start + 1_000)].flatMap { [RESPArgument($0.key), RESPArgument($0.value)] })
                try await flush(force: false)
            }
        }
        try await flush(force: true)
    }

    func compare(_ fold: ProjectionFold, topic: Topic) async throws -> [Difference] {
        let keys = TopicKeys(topic)
        let schema = fold.schema
        var commands: [[RESPArgument]] = [["ZRANGE", RESPArgument(keys.ids), "0", "-1"], ["HGETALL", RESPArgument(keys.versions)],
                                          ["HGETALL", RESPArgument(keys.documents)]]
        if let field = schema.uniqueField { commands.append(["HGETALL", RESPArgument(keys.unique(field))]) }
        let replies = try await redis.pipeline(commands)
        let projectedIDs = (try replies[0].get().array ?? []).compactMap(\.string)
        var documents: [String: ArraySlice<UInt8>] = [:]
        for pair in try replies[2].get().pairs ?? [] {
            if let id = pair.key.string, let bytes = pair.value.bytes { documents[id] = Array(bytes.readableBytesView)[...] }
        }
        var projectedVersions: [String: Int] = [:]
        for pair in try replies[1].get().pairs ?? [] {
            if let id = pair.key.string { projectedVersions[id] = pair.value.int }
        }
        var projectedOwners: [String: String] = [:]
        if replies.count > 3 {
            for pair in try replies[3].get().pairs ?? [] {
                if let value = pair.key.string { projectedOwners[value] = pair.value.string }
            }
        }
        let json = try await read(topic, selection: [RESPArgument("fields")] + projectedIDs.map { RESPArgument($0) })
        let elements: [JSONValue]
        do {
            elements = try JSONReader.read(json, maxDepth: ProjectionRecord.maxDepth).array ?? []
        } catch {
            throw EventStoreError(.corruptEvent, "the projection's fields: \(error)")
        }
        var projected: [String: ProjectionRecord] = [:]
        for (id, element) in zip(projectedIDs, elements) {
            guard case .object(let object) = element else { continue }
            projected[id] = try ProjectionRecord(object: object, text: json, schema: schema)
        }

        var differences: [Difference] = []
        let expectedIDs = fold.orderedIDs
        for id in expectedIDs {
            guard let mine = projected[id] else {
                differences.append(Difference(kind: .missing, aggregateID: id, projection: "absent",
                                              events: String(decoding: fold.record(id)?.json ?? [], as: UTF8.self)))
                continue
            }
            if let folded = fold.record(id), !mine.sameContent(as: folded) {
                differences.append(Difference(kind: .entity, aggregateID: id, projection: String(decoding: mine.json, as: UTF8.self),
                                              events: String(decoding: folded.json, as: UTF8.self)))
            }
            let document = try documents[id].map { try ProjectionRecord(entityJSON: Array($0), schema: schema) }
            if let folded = fold.record(id), document.map({ !$0.sameContent(as: folded) }) ?? true {
                differences.append(Difference(kind: .document, aggregateID: id,
                                              projection: document.map { String(decoding: $0.json, as: UTF8.self) } ?? "absent",
                                              events: String(decoding: folded.json, as: UTF8.self)))
            }
            if projectedVersions[id] != fold.version(id) {
                differences.append(Difference(kind: .version, aggregateID: id, projection: "\(projectedVersions[id] ?? 0)",
                                              events: "\(fold.version(id) ?? 0)"))
            }
        }
        for id in projectedIDs where fold.record(id) == nil {
            differences.append(Difference(kind: .unexpected, aggregateID: id, projection: "present", events: "absent"))
        }
        for id in documents.keys where fold.record(id) == nil && !projectedIDs.contains(id) {
            differences.append(Difference(kind: .document, aggregateID: id, projection: "present", events: "absent"))
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
