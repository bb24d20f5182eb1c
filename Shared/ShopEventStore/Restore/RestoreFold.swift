import ShopDomain
import ShopJSON

/// A topic's events folded in commit order, for restoring its projection from outside Redis (the archive).
///
/// The archive's jsonb may order an entity's keys differently from the original text; JSON objects (and the
/// projection's hash fields) have no order, so the restored entities are the same.
public struct RestoreFold: Sendable {
    public let topic: Topic
    var fold: ProjectionFold
    /// The newest entry id folded: where the topic's id allocation resumes.
    public private(set) var lastEntryID: EntryID?

    /// An empty fold of `topic`.
    public init(topic: Topic) {
        self.topic = topic
        self.fold = ProjectionFold(schema: TopicSchema.of(topic))
    }

    /// Events folded so far.
    public var eventCount: Int { fold.eventCount }
    /// Live entities.
    public var liveCount: Int { fold.entities.count }

    /// Applies the next event; events must come in commit order (increasing entry id).
    public mutating func apply(_ event: StoredEvent) throws {
        guard event.topic == topic else {
            throw EventStoreError(.invalidInput, "a \(event.topic.rawValue) event in the restore of \(topic.rawValue)")
        }
        if let last = lastEntryID, event.entryID <= last {
            throw EventStoreError(.invalidInput, "events out of commit order: \(event.entryID) after \(last)")
        }
        try fold.apply(event)
        lastEntryID = event.entryID
    }

    /// The string items of the list field `name` of each live entity, in creation order (an order's product ids).
    public func listItems(_ name: String) -> [(id: String, items: [String])] {
        fold.orderedIDs.compactMap { id in
            guard let record = fold.record(id), let list = record.lists.first(where: { $0.name == name }) else { return nil }
            return (id, list.items.compactMap { (try? JSONReader.read($0))?.string })
        }
    }
}
