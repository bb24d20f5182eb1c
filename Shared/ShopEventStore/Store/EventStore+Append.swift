import ShopDomain
import ShopRedis

extension EventStore {
    /// Appends events of one topic atomically (one EVALSHA), updating the projection; returns what was committed.
    ///
    /// All or nothing: a version conflict, a duplicate unique value, a create of a live id or a change of an
    /// unknown one fails the whole batch and writes nothing. When it returns, every query sees the change.
    public func append(_ events: [NewEvent], topic: Topic) async throws -> [StoredEvent] {
        guard !events.isEmpty else { return [] }
        let schema = TopicSchema.of(topic)
        let keys = TopicKeys(topic)
        var arguments = Self.scriptPrefix(base: keys.tag, schema: schema)
        arguments.append(RESPArgument(events.count))
        let events = Self.withCause(events)
        for event in events {
            try appendArguments(of: event, schema: schema, to: &arguments)
        }
        let reply = try await run(StoreScripts.append, keys: Self.scriptKeys(keys), arguments: arguments)
        guard let rows = reply.array, rows.count == events.count else {
            throw EventStoreError(.unexpectedReply, "append: unexpected reply \(reply)")
        }
        var stored: [StoredEvent] = []
        stored.reserveCapacity(events.count)
        for (event, row) in zip(events, rows) {
            guard let fields = row.array, fields.count == 3, let entryText = fields[0].string,
                  let entryID = EntryID(entryText), let version = fields[1].int else {
                throw EventStoreError(.unexpectedReply, "append: unexpected row \(row)")
            }
            let built = fields[2].bytes.map { Array($0.readableBytesView) } ?? []
            stored.append(StoredEvent(eventID: event.eventID, topic: topic, action: event.action, entryID: entryID,
                                      aggregateID: event.aggregateID, version: version,
                                      occurredAt: Int64(entryID.milliseconds), correlationID: event.correlationID,
                                      entity: built.isEmpty ? event.entity : built, causationID: event.causationID,
                                      traceParent: event.traceParent))
            metrics.appended(topic: topic, action: event.action)
        }
        return stored
    }

    private func appendArguments(of event: NewEvent, schema: TopicSchema, to arguments: inout [RESPArgument]) throws {
        guard !event.aggregateID.isEmpty, !event.eventID.isEmpty else {
            throw EventStoreError(.invalidInput, "an event needs an aggregate id and an event id")
        }
        if let expected = event.expectedVersion, expected < 0 {
            throw EventStoreError(.invalidInput, "expected version \(expected) is negative")
        }
        var record: ProjectionRecord?
        if event.action != .deleted || !event.entity.isEmpty {
            let parsed: ProjectionRecord
            do {
                parsed = try ProjectionRecord(entityJSON: event.entity, schema: schema)
            } catch {
                throw EventStoreError(.invalidInput, "event for \(event.aggregateID): \(error.message)")
            }
            guard parsed.id == event.aggregateID else {
                throw EventStoreError(.invalidInput, "the entity's id does not match the aggregate id \(event.aggregateID)")
            }
            record = parsed
        }
        let (encoding, payload) = encodePayload(event.entity)
        arguments += [
            RESPArgument(event.action.rawValue), RESPArgument(event.aggregateID),
            RESPArgument(event.expectedVersion.map(String.init) ?? ""), RESPArgument(event.eventID),
            RESPArgument(event.correlationID), RESPArgument(event.causationID), RESPArgument(event.traceParent),
            RESPArgument(encoding), RESPArgument(bytes: payload),
        ]
        // A delete writes no fields: the script clears the projection whatever it held.
        let projected = event.action == .deleted ? nil : record
        arguments.append(projected == nil ? RESPArgument("") : RESPArgument(bytes: event.entity))
        arguments.append(RESPArgument(projected?.uniqueValue ?? ""))
        arguments.append(RESPArgument(projected?.fields.count ?? 0))
        for field in projected?.fields ?? [] {
            arguments.append(RESPArgument(field.name))
            arguments.append(RESPArgument(bytes: field.value))
        }
        for index in schema.listFields.indices {
            let items = projected?.lists[index].items ?? []
            arguments.append(RESPArgument(items.count))
            arguments += items.map { RESPArgument(bytes: $0) }
        }
    }

    /// The events with what they leave empty of their cause taken from the task's `EventCause.current`.
    static func withCause(_ events: [NewEvent]) -> [NewEvent] {
        guard let cause = EventCause.current else { return events }
        return events.map { event in
            var event = event
            if event.correlationID.isEmpty { event.correlationID = cause.correlationID }
            if event.causationID.isEmpty { event.causationID = cause.causationID }
            if event.traceParent.isEmpty { event.traceParent = cause.traceParent }
            return event
        }
    }

    /// The stored form of an entity: gzip when longer than the threshold and compression pays.
    func encodePayload(_ entity: [UInt8]) -> (encoding: String, payload: [UInt8]) {
        guard entity.count > compressionThreshold else { return ("json", entity) }
        let compressed = Gzip.compress(entity)
        return compressed.count < entity.count ? ("gzip", compressed) : ("json", entity)
    }

    /// Creates entities with fresh ids in one atomic append; returns them with their ids.
    public func create<E: Entity>(_ entities: [E], correlationID: String = "") async throws -> [E] {
        var created = entities
        for index in created.indices { created[index].id = EntityID.make() }
        try await append(created: created, correlationID: correlationID)
        return created
    }

    /// Appends the creation of `entities`, whose ids the caller chose, in one atomic step (`alreadyExists` for a live id).
    @discardableResult
    public func append<E: Entity>(created entities: [E], correlationID: String = "") async throws -> [StoredEvent] {
        try await append(entities.map { entity in
            NewEvent(action: .created, aggregateID: entity.id, entity: entity.json, expectedVersion: 0, correlationID: correlationID)
        }, topic: E.topic)
    }

    /// Replaces a live entity (404 when unknown; 409 when `expectedVersion` is given and stale).
    @discardableResult
    public func update<E: Entity>(_ entity: E, expectedVersion: Int? = nil, correlationID: String = "") async throws -> StoredEvent {
        let event = NewEvent(action: .updated, aggregateID: entity.id, entity: entity.json,
                             expectedVersion: expectedVersion, correlationID: correlationID)
        return try await append([event], topic: E.topic)[0]
    }

    /// Deletes a live entity; the event carries the entity as it was.
    @discardableResult
    public func delete<E: Entity>(_ type: E.Type, id: String, expectedVersion: Int? = nil,
                                  correlationID: String = "") async throws -> StoredEvent {
        let event = NewEvent(action: .deleted, aggregateID: id, entity: [], expectedVersion: expectedVersion,
                             correlationID: correlationID)
        return try await append([event], topic: E.topic)[0]
    }
}
