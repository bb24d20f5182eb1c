import ShopDomain
import ShopRedis

/// A script of a part outside the store that writes a topic's events together with state of its own, in one atomic
/// step on the topic's slot (the stock ledger: reservations and the `inventory_updated` events of their amounts).
///
/// `body` runs after the store's Lua library: KEYS[1…6] are the topic's streams, ids, versions and clock, the
/// caller's keys follow (KEYS[7]…); the caller's arguments start at ARGV[A]; `append_event`, `entity_json`,
/// `clock_load`/`clock_save`, `entity_key`, `unique_key`, `fmt`, `DOCS` and `VERSIONS` are in scope (`LuaLibrary`).
public struct TopicScript: Sendable {
    let script: RedisScript

    /// The script `body`, run with the store's Lua library.
    public init(_ body: String) {
        script = RedisScript(LuaLibrary.source + body)
    }
}

extension EventStore {
    /// Runs `script` on `topic` with the caller's `keys` (same slot) and `arguments`; typed refusals arrive as
    /// `EventStoreError`, any other error reply as `.refused(prefix:)`.
    public func run(_ script: TopicScript, topic: Topic, keys: [String], arguments: [RESPArgument]) async throws -> RESPValue {
        let topicKeys = TopicKeys(topic)
        return try await run(script.script, keys: Self.scriptKeys(topicKeys) + keys.map { RESPArgument($0) },
                             arguments: Self.scriptPrefix(base: topicKeys.tag, schema: TopicSchema.of(topic)) + arguments)
    }

    /// The events a topic script appended, from its reply: one row `{entry id, aggregate id, version, entity JSON}`
    /// per event, made with `eventIDs` in order and carrying `cause`.
    public func committedEvents(_ reply: RESPValue, topic: Topic, action: EventAction, eventIDs: [String],
                                cause: EventCause) throws -> [StoredEvent] {
        guard let rows = reply.array else { throw EventStoreError(.unexpectedReply, "\(topic.rawValue) script: unexpected reply \(reply)") }
        return try rows.enumerated().map { index, row in
            guard index < eventIDs.count, let fields = row.array, fields.count == 4, let entry = fields[0].string.flatMap(EntryID.init),
                  let aggregateID = fields[1].string, let version = fields[2].int, let payload = fields[3].bytes else {
                throw EventStoreError(.unexpectedReply, "\(topic.rawValue) script: unexpected row \(row)")
            }
            metrics.appended(topic: topic, action: action)
            return StoredEvent(eventID: eventIDs[index], topic: topic, action: action, entryID: entry,
                               aggregateID: aggregateID, version: version, occurredAt: Int64(entry.milliseconds),
                               correlationID: cause.correlationID, entity: Array(payload.readableBytesView),
                               causationID: cause.causationID, traceParent: cause.traceParent)
        }
    }
}
