import ShopDomain
import ShopEventStore
import ShopRedis

/// Finds the entities a message names as they last were: live ones in the projection, deleted ones in the
/// entity their topic's `deleted` event carried. A reaction that catches up late (crm-service restarted after a
/// customer with an order was deleted) still writes the customer's name.
public struct EntityLookup: Sendable {
    let store: EventStore

    /// How many deleted events of a topic are searched at most, newest first.
    public static let maxDeletedScan = 100_000
    static let pageSize = 500

    /// Lookups in `store`.
    public init(store: EventStore) {
        self.store = store
    }

    /// The entity `id` as it last was; `ReactionError(.missingEntity)` when no trace of it is left.
    public func lastKnown<E: Entity>(_ type: E.Type, id: String) async throws -> E {
        try await lastKnown(type, ids: [id])[0]
    }

    /// The entities `ids` as they last were, one per id in the order given (repeats included).
    public func lastKnown<E: Entity>(_ type: E.Type, ids: [String]) async throws -> [E] {
        var seen = Set<String>()
        let unique = ids.filter { seen.insert($0).inserted }
        var found: [String: E] = [:]
        for case let entity? in try await store.find(type, ids: unique) { found[entity.id] = entity }
        let missing = Set(unique.filter { found[$0] == nil })
        if !missing.isEmpty {
            found.merge(try await deleted(type, ids: missing)) { live, _ in live }
        }
        return try ids.map { id in
            guard let entity = found[id] else {
                throw ReactionError(.missingEntity, "no \(E.topic.rawValue) \(id) in the projection or its deleted events")
            }
            return entity
        }
    }

    /// The entities of `ids` carried by their latest `deleted` events (newest first, up to `maxDeletedScan`).
    private func deleted<E: Entity>(_ type: E.Type, ids: Set<String>) async throws -> [String: E] {
        let stream = EventStreamID(E.topic, .deleted)
        var found: [String: E] = [:]
        var end = "+"
        var scanned = 0
        while found.count < ids.count, scanned < Self.maxDeletedScan {
            let reply = try await store.redis.send("XREVRANGE", RESPArgument(stream.key), RESPArgument(end), "-",
                                                   "COUNT", RESPArgument(Self.pageSize))
            let rows = reply.array ?? []
            for row in rows {
                guard let parts = row.array, parts.count == 2, let entryID = parts[0].string, let fields = parts[1].array,
                      let aggregate = Self.field("aggregate_id", in: fields), ids.contains(aggregate), found[aggregate] == nil
                else { continue }
                let event = try StoredEvent(topic: E.topic, action: .deleted, entryID: entryID, fields: fields,
                                            maxEntitySize: store.maxEntitySize)
                found[aggregate] = try event.decode(type)
            }
            scanned += rows.count
            guard rows.count == Self.pageSize, let last = rows.last?.array?.first?.string else { break }
            end = "(" + last
        }
        return found
    }

    /// One field's text, without decoding the whole entry (its entity may be gzip).
    private static func field(_ name: String, in fields: [RESPValue]) -> String? {
        var index = 0
        while index + 1 < fields.count {
            if fields[index].string == name { return fields[index + 1].string }
            index += 2
        }
        return nil
    }
}
