import Foundation
import ShopArchive
import ShopDomain
import ShopEventStore
import ShopPostgres
import ShopRedis
import Testing

@Suite("Correlation and causation: stored with every event, archived, queried by correlation", .serialized)
struct CorrelationQueryTests {
    @Test("events written under a cause carry it into Redis and the archive; ?correlation= answers exactly them in commit order")
    func correlationQuery() async throws {
        try await ArchiveHarness.run { harness in
            let requestA = EventCause(correlationID: TraceIDs.a, causationID: "request-a")
            let requestB = EventCause(correlationID: TraceIDs.b, causationID: "request-b")
            var ofA: [StoredEvent] = []
            for index in 0..<3 {
                ofA += try await EventCause.$current.withValue(requestA) { try await harness.appendLoad(customers: 1, tag: "a\(index)") }
                _ = try await EventCause.$current.withValue(requestB) { try await harness.appendLoad(customers: 1, tag: "b\(index)") }
            }
            // A reaction to A's first event: same correlation, caused by that event.
            let reaction = EventCause(reactingTo: ofA[0])
            let product = Product(id: EntityID.make(), name: "caused", price: 3)
            ofA += try await EventCause.$current.withValue(reaction) {
                try await harness.store.append([NewEvent(action: .created, aggregateID: product.id, entity: try ArchiveHarness.json(product),
                                                         expectedVersion: 0)], topic: .product)
            }
            // Read back from Redis: the fields are in the entries.
            let fromRedis = try await harness.store.replay(.customer, limit: 1000)
            let customerEventsOfA = fromRedis.filter { $0.correlationID == TraceIDs.a }
            #expect(customerEventsOfA.count == 9 && customerEventsOfA.allSatisfy { $0.causationID == "request-a" })
            #expect(fromRedis.filter { $0.correlationID == TraceIDs.b && $0.causationID == "request-b" }.count == 9)

            let archiver = harness.archiver()
            let total = try await harness.totalStreamLength()
            let archived = try await withBackground([archiver]) { try await eventually { try await harness.archive.count() == total } }
            #expect(archived)
            for limit in [1, 2, 100] {
                let found = try await EventPaginationTests.all(harness.archive, EventQuery(correlationID: TraceIDs.a, limit: limit))
                #expect(found.map(\.eventID) == ofA.sorted(by: EventPaginationTests.commitOrder).map(\.eventID))
            }
            let found = try await harness.archive.page(EventQuery(correlationID: TraceIDs.a, limit: 100))
            #expect(found.events.filter { $0.topic == .customer }.allSatisfy { $0.causationID == "request-a" })
            #expect(found.events.first { $0.topic == .product }?.causationID == ofA[0].eventID)
            let object = try JSONSerialization.jsonObject(with: Data(found.eventJSON[0].utf8)) as? [String: Any]
            #expect(object?["causation_id"] as? String == "request-a" && object?["correlation_id"] as? String == TraceIDs.a)
            #expect(try await harness.archive.page(EventQuery(correlationID: "nothing-of-ours", limit: 100)).events.isEmpty)
        }
    }

    @Test("an entry written before the fields existed still reads, archives and queries (empty correlation and causation)")
    func oldEntriesStillRead() async throws {
        try await ArchiveHarness.run { harness in
            let id = EntityID.make(), eventID = EntityID.make()
            // The layout before causation_id (and a yet older one without correlation_id).
            let fields: [(String, String)] = [
                ("event_id", eventID), ("entity", #"{"email":"old@example.com","id":"\#(id)","name":"Old"}"#), ("aggregate_id", id),
                ("version", "1"), ("occurred_at", "1700000000000"), ("enc", "json"),
            ]
            try await harness.redis.xadd(TopicKeys(.customer).stream(.created), fields: fields.map { ($0.0, RESPArgument($0.1)) })
            let read = try #require(try await harness.store.replay(.customer, limit: 10).first)
            #expect(read.eventID == eventID && read.correlationID.isEmpty && read.causationID.isEmpty && read.traceParent.isEmpty)
            let archiver = harness.archiver()
            let archived = try await withBackground([archiver]) { try await eventually { try await harness.archive.count() == 1 } }
            #expect(archived)
            let page = try await harness.archive.page(EventQuery(topic: .customer, limit: 10))
            #expect(page.events.map(\.eventID) == [eventID] && page.events[0].causationID.isEmpty)
            let object = try JSONSerialization.jsonObject(with: Data(page.eventJSON[0].utf8)) as? [String: Any]
            #expect(object?["causation_id"] is NSNull)
        }
    }

    @Test("the migration adds causation_id and the correlation index to an archive made before it; its rows still read")
    func migrationKeepsOldRows() async throws {
        try await ArchiveHarness.run { harness in
            // The harness migrated everything: take the schema back to version 100 and put an old row in.
            _ = try await harness.postgres.query("DROP INDEX events_correlation")
            _ = try await harness.postgres.query("DROP INDEX events_causation")
            _ = try await harness.postgres.query("ALTER TABLE events DROP COLUMN causation_id")
            _ = try await harness.postgres.query("DELETE FROM schema_migrations WHERE version = 101")
            let id = EntityID.make()
            _ = try await harness.postgres.query("""
                INSERT INTO events (event_id, topic, action, entry_id, aggregate_id, version, occurred_at, correlation_id, entity)
                VALUES ($1, 'customer', 'created', '1-0', 'x', 1, now(), 'old-correlation', '{"id":"x"}')
                """, [.uuid(id)])
            #expect(try await harness.postgres.migrate(ArchiveSchema.migrations) == [101])
            let page = try await harness.archive.page(EventQuery(correlationID: "old-correlation", limit: 10))
            #expect(page.events.map(\.eventID) == [id] && page.events[0].causationID.isEmpty)
            let plan = try await harness.postgres.query(
                "EXPLAIN SELECT event_id FROM events WHERE correlation_id = 'x' ORDER BY entry_ms, entry_seq, topic LIMIT 100")
            let text = try plan.map { try $0.string("QUERY PLAN") }.joined(separator: "\n")
            // A tiny table may still be scanned; the index must at least exist and be usable.
            let indexes = try await harness.postgres.query("SELECT indexname FROM pg_indexes WHERE tablename = 'events'")
            #expect(try indexes.map { try $0.string("indexname") }.contains("events_correlation"), "\(text)")
        }
    }
}

/// Trace ids (32 hex digits) the tests use as correlation ids.
enum TraceIDs {
    static let a = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let b = "0af7651916cd43dd8448eb211c80319c"
}
