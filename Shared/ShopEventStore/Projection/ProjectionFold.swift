/// The projection a topic's events imply, folded in memory: what rebuild writes and verify compares against.
struct ProjectionFold: Sendable {
    let schema: TopicSchema
    private(set) var records: [String: ProjectionRecord] = [:]
    private(set) var versions: [String: Int] = [:]
    private var creation: [String: Int] = [:]
    private var counter = 0
    /// Number of events folded.
    private(set) var eventCount = 0

    init(schema: TopicSchema) {
        self.schema = schema
    }

    /// Applies one event, in commit order.
    mutating func apply(_ event: StoredEvent) throws(EventStoreError) {
        eventCount += 1
        let id = event.aggregateID
        switch event.action {
        case .created, .updated:
            records[id] = try ProjectionRecord(entityJSON: event.entity[...], schema: schema)
            if event.action == .created || creation[id] == nil {
                counter += 1
                creation[id] = counter
            }
            versions[id] = event.version
        case .deleted:
            records[id] = nil
            versions[id] = nil
            creation[id] = nil
        }
    }

    /// Live ids in creation order.
    var orderedIDs: [String] {
        creation.sorted { $0.value < $1.value }.map(\.key)
    }

    /// Unique value → id, for the topic's unique field.
    var uniqueOwners: [String: String] {
        var owners: [String: String] = [:]
        for (id, record) in records {
            if let value = record.uniqueValue { owners[value] = id }
        }
        return owners
    }
}
