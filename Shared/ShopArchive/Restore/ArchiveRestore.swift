import Logging
import ShopDomain
import ShopEventStore
import ShopStockLedger

/// Rebuilds Redis from the archive after Redis lost its data: every topic's projection and versions, the
/// append clock and stream ids (new events continue after the archived ones), and the live orders' reservations.
public struct ArchiveRestore: Sendable {
    let archive: EventArchive
    let store: EventStore
    let logger: Logger

    /// What was restored of one topic.
    public struct TopicReport: Sendable, Equatable {
        public var topic: Topic
        public var events: Int
        public var entities: Int
        public var lastEntryID: EntryID?
    }

    /// A restore from `archive` into the Redis of `store`.
    public init(archive: EventArchive, store: EventStore, logger: Logger) {
        self.archive = archive
        self.store = store
        self.logger = logger
    }

    /// Restores `topics`; refuses (`redisNotEmpty`) before writing anything when Redis still holds any of them.
    public func run(topics: [Topic] = Topic.allCases) async throws -> [TopicReport] {
        for topic in topics where try await !store.topicIsEmpty(topic) {
            throw ArchiveError(.redisNotEmpty, "Redis still holds \(topic.rawValue) data; restore is for a Redis that lost it "
                               + "(the projections are intact: use rebuild instead, or empty Redis first)")
        }
        var reports: [TopicReport] = []
        var reservations: [(orderID: String, productIDs: [String])] = []
        for topic in topics {
            let fold = try await fold(topic)
            try await store.restore(fold)
            if topic == .order { reservations = StockLedger.reservations(of: fold) }
            reports.append(TopicReport(topic: topic, events: fold.eventCount, entities: fold.liveCount, lastEntryID: fold.lastEntryID))
            logger.info("topic restored from the archive", metadata: [
                "event.topic": "\(topic.rawValue)", "restore.events": "\(fold.eventCount)", "restore.entities": "\(fold.liveCount)",
            ])
        }
        if topics.contains(.order) && topics.contains(.inventory) {
            let now = Int64(reports.compactMap { $0.lastEntryID?.milliseconds }.max() ?? 0)
            try await StockLedger(store: store, logger: logger).restore(reservations, reservedAt: now)
        }
        return reports
    }

    /// Compares each topic's projection in Redis with the fold of its archived events; a topic is absent when
    /// they agree. Run after `run()` to check that the restore wrote everything verify looks at.
    public func verify(topics: [Topic] = Topic.allCases) async throws -> [Topic: [Difference]] {
        var differences: [Topic: [Difference]] = [:]
        for topic in topics {
            let found = try await store.verify(try await fold(topic))
            if !found.isEmpty { differences[topic] = found }
        }
        return differences
    }

    /// Every archived event of `topic`, folded in commit order, page by page.
    func fold(_ topic: Topic) async throws -> RestoreFold {
        var fold = RestoreFold(topic: topic)
        var query = EventQuery(topic: topic, limit: EventQuery.maxLimit)
        while true {
            let page = try await archive.page(query)
            for event in page.events { try fold.apply(event) }
            guard let next = page.next else { return fold }
            query.after = next
        }
    }
}
