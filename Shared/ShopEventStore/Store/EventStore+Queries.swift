import ShopDomain
import ShopJSON
import ShopRedis

extension EventStore {
    /// One entity from the projection, or nil when no live entity has this id.
    public func find<E: Entity>(_ type: E.Type, id: String) async throws -> E? {
        try await find(type, ids: [id])[0]
    }

    /// Several entities by id, in the order asked (nil for unknown ids); one round trip.
    public func find<E: Entity>(_ type: E.Type, ids: [String]) async throws -> [E?] {
        guard !ids.isEmpty else { return [] }
        return try decodeProjection(E.self, from: try await readJSON(E.topic, ids: ids))
    }

    /// Every live entity of a type, in creation order; one round trip whatever the count.
    public func findAll<E: Entity>(_ type: E.Type) async throws -> [E] {
        try decodeProjection(E.self, from: try await findAllJSON(E.topic)).map { entity throws(EventStoreError) in
            guard let entity else { throw EventStoreError(.corruptEvent, "the projection holds null for a live \(E.self)") }
            return entity
        }
    }

    /// Every live entity of a topic as one ready JSON array (creation order), built by Redis in one round trip:
    /// the gateway's fast path, no decoding or re-encoding.
    public func findAllJSON(_ topic: Topic) async throws -> [UInt8] {
        try await read(topic, selection: [RESPArgument("all")])
    }

    /// Entities by id as one JSON array (`null` for unknown ids): one HMGET of the documents hash, plain
    /// commands being far cheaper for Redis than a script; only ids without a document take the read script.
    public func readJSON(_ topic: Topic, ids: [String]) async throws -> [UInt8] {
        guard !ids.isEmpty else { return Array("[]".utf8) }
        let reply = try await redis.send([RESPArgument("HMGET"), RESPArgument(TopicKeys(topic).documents)] + ids.map { RESPArgument($0) })
        guard let documents = reply.array, documents.count == ids.count else {
            throw EventStoreError(.unexpectedReply, "HMGET: unexpected reply \(reply)")
        }
        // No document: an unknown id, or a live entity whose document is missing (the script assembles it).
        guard !documents.contains(where: \.isNull) else {
            return try await read(topic, selection: [RESPArgument("ids")] + ids.map { RESPArgument($0) })
        }
        var json: [UInt8] = [UInt8(ascii: "[")]
        for (index, document) in documents.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            guard let bytes = document.bytes else { throw EventStoreError(.unexpectedReply, "HMGET: unexpected value \(document)") }
            json += bytes.readableBytesView
        }
        json.append(UInt8(ascii: "]"))
        return json
    }

    /// Whether each id names a live entity of the topic; one command.
    public func exists(_ topic: Topic, ids: [String]) async throws -> [Bool] {
        try await exists([(topic, ids)])[0]
    }

    /// Whether each id names a live entity of its topic, for several topics in one round trip (a pipeline of
    /// one ZMSCORE per topic): an order's customer and products are checked together.
    public func exists(_ queries: [(topic: Topic, ids: [String])]) async throws -> [[Bool]] {
        let asked = queries.filter { !$0.ids.isEmpty }
        guard !asked.isEmpty else { return queries.map { _ in [] } }
        let commands = asked.map { query in
            [RESPArgument("ZMSCORE"), RESPArgument(TopicKeys(query.topic).ids)] + query.ids.map { RESPArgument($0) }
        }
        var replies = try await redis.pipeline(commands).makeIterator()
        return try queries.map { query in
            guard !query.ids.isEmpty, let result = replies.next() else { return [] }
            let reply = try result.get()
            guard let scores = reply.array, scores.count == query.ids.count else {
                throw EventStoreError(.unexpectedReply, "ZMSCORE: unexpected reply \(reply)")
            }
            return scores.map { !$0.isNull }
        }
    }

    /// The topic's unique-field index: value → id of the live entity holding it (billing: order id → billing id),
    /// empty for topics without a unique field. One command.
    public func uniqueIndex(_ topic: Topic) async throws -> [String: String] {
        guard let field = TopicSchema.of(topic).uniqueField else { return [:] }
        let reply = try await redis.send("HGETALL", RESPArgument(TopicKeys(topic).unique(field)))
        var index: [String: String] = [:]
        for pair in reply.pairs ?? [] {
            if let value = pair.key.string, let id = pair.value.string { index[value] = id }
        }
        return index
    }

    /// The aggregate's current version, or nil when it is not live.
    public func version(_ topic: Topic, id: String) async throws -> Int? {
        let reply = try await redis.send("HGET", RESPArgument(TopicKeys(topic).versions), RESPArgument(id))
        return reply.int
    }

    func read(_ topic: Topic, selection: [RESPArgument]) async throws -> [UInt8] {
        let keys = TopicKeys(topic)
        let arguments = Self.scriptPrefix(base: keys.tag, schema: TopicSchema.of(topic)) + selection
        let reply = try await run(StoreScripts.read, keys: Self.scriptKeys(keys), arguments: arguments, writes: false)
        guard let bytes = reply.bytes else {
            throw EventStoreError(.unexpectedReply, "read: unexpected reply \(reply)")
        }
        return Array(bytes.readableBytesView)
    }

    /// The entities of a JSON array of documents (`null` for an unknown id).
    private func decodeProjection<E: Entity>(_ type: E.Type, from json: [UInt8]) throws(EventStoreError) -> [E?] {
        do {
            guard let documents = try JSONReader.read(json, maxDepth: ProjectionRecord.maxDepth).array else {
                throw JSONError(.invalidValue, "not a JSON array")
            }
            return try documents.map { document throws(JSONError) in
                switch document {
                case .null: return nil
                case .object(let object): return try E(json: object)
                default: throw JSONError(.invalidValue, "a document is not a JSON object")
                }
            }
        } catch {
            throw EventStoreError(.corruptEvent, "the projection does not decode as \(E.self): \(error)")
        }
    }
}
