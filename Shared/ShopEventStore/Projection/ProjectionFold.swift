/// The projection a topic's events imply, folded in memory: what rebuild writes and verify compares against.
struct ProjectionFold: Sendable {
    let schema: TopicSchema
    /// Live entities by id (one dictionary: one hash of the id per event).
    private(set) var entities: [String: Live] = [:]
    private var counter = 0
    /// Number of events folded.
    private(set) var eventCount = 0

    /// One live entity: its fields, current version and creation position.
    struct Live: Sendable {
        var record: ProjectionRecord
        var version: Int
        var creation: Int
    }

    init(schema: TopicSchema) {
        self.schema = schema
    }

    /// Applies one event, in commit order.
    mutating func apply(_ event: StoredEvent) throws(EventStoreError) {
        eventCount += 1
        switch event.action {
        case .created, .updated:
            let record = try ProjectionRecord(entityJSON: event.entity, schema: schema)
            if event.action == .updated, var live = entities[event.aggregateID] {
                live.record = record
                live.version = event.version
                entities[event.aggregateID] = live
            } else {
                // A create, or an update whose create is no longer in the streams (trimmed history).
                counter += 1
                entities[event.aggregateID] = Live(record: record, version: event.version, creation: counter)
            }
        case .deleted:
            entities[event.aggregateID] = nil
        }
    }

    /// The fields of a live entity.
    func record(_ id: String) -> ProjectionRecord? { entities[id]?.record }

    /// The version of a live entity.
    func version(_ id: String) -> Int? { entities[id]?.version }

    /// Live ids in creation order.
    var orderedIDs: [String] {
        entities.sorted { $0.value.creation < $1.value.creation }.map(\.key)
    }

    /// Unique value → id, for the topic's unique field.
    var uniqueOwners: [String: String] {
        var owners: [String: String] = [:]
        for (id, live) in entities {
            if let value = live.record.uniqueValue { owners[value] = id }
        }
        return owners
    }
}
