import Foundation
import ShopDomain

/// A topic's events folded in commit order, for restoring its projection from outside Redis (the archive).
///
/// Entities are re-encoded through their domain type, so the restored projection holds the same JSON bytes
/// the services wrote, whatever form the archive kept them in (PostgreSQL's jsonb reorders keys).
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
    public var liveCount: Int { fold.records.count }

    /// Applies the next event; events must come in commit order (increasing entry id).
    public mutating func apply(_ event: StoredEvent) throws {
        guard event.topic == topic else {
            throw EventStoreError(.invalidInput, "a \(event.topic.rawValue) event in the restore of \(topic.rawValue)")
        }
        if let last = lastEntryID, event.entryID <= last {
            throw EventStoreError(.invalidInput, "events out of commit order: \(event.entryID) after \(last)")
        }
        var canonical = event
        canonical.entity = Self.canonicalJSON(event.entity, topic: topic)
        try fold.apply(canonical)
        lastEntryID = event.entryID
    }

    /// The product ids of each live order (repeats kept): the stock reservations those orders hold.
    public var orderReservations: [(orderID: String, productIDs: [String])] {
        guard topic == .order else { return [] }
        return fold.orderedIDs.compactMap { id in
            guard let record = fold.records[id], let list = record.lists.first(where: { $0.name == "product_ids" }) else { return nil }
            return (id, list.items.compactMap { RawJSON.string($0[...]) })
        }
    }

    /// The entity as the service's encoder writes it; unchanged when it does not decode as the topic's type.
    static func canonicalJSON(_ json: [UInt8], topic: Topic) -> [UInt8] {
        func reencode<E: Entity>(_ type: E.Type) -> [UInt8]? {
            guard let entity = try? EventStore.jsonDecoder.decode(E.self, from: Data(json)) else { return nil }
            return try? Array(EventStore.jsonEncoder.encode(entity))
        }
        let encoded: [UInt8]? = switch topic {
        case .customer: reencode(Customer.self)
        case .product: reencode(Product.self)
        case .inventory: reencode(Inventory.self)
        case .order: reencode(Order.self)
        case .billing: reencode(Billing.self)
        }
        return encoded ?? json
    }
}
