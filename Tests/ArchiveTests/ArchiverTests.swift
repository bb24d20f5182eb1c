import Foundation
import ShopArchive
import ShopDomain
import ShopEventStore
import ShopRedis
import ShopTestSupport
import Testing

@Suite("Archiver: every event in PostgreSQL exactly once", .serialized)
struct ArchiverTests {
    @Test("after a busy run (appends from 8 tasks while archiving) every event is archived exactly once, all acknowledged")
    func busyRun() async throws {
        try await ArchiveHarness.run { harness in
            let archiver = harness.archiver()
            let appended = try await withBackground([archiver]) {
                let appended = try await withThrowingTaskGroup(of: [StoredEvent].self) { group in
                    for task in 0..<8 { group.addTask { try await harness.appendLoad(customers: 60, tag: "t\(task)-") } }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                let expected = appended.count
                #expect(try await eventually { try await harness.archive.count() >= expected })
                return appended
            }
            let archived = try await harness.archivedIDs()
            #expect(archived.rows == appended.count)
            #expect(archived.ids == Set(appended.map(\.eventID)))
            for stream in EventStreamID.all(of: [.customer]) {
                #expect(try await harness.redis.xpending(stream.key, group: "archive").count == 0)
            }
            // The archived row is the event: entity decompressed and intact, versions as committed.
            let sample = appended[appended.count / 2]
            let page = try await harness.archive.page(EventQuery(aggregateID: sample.aggregateID, limit: 10))
            let stored = try #require(page.events.first { $0.eventID == sample.eventID })
            #expect(stored.version == sample.version && stored.entryID == sample.entryID && stored.action == sample.action)
            #expect(try stored.decode(Customer.self) == sample.decode(Customer.self))
        }
    }

    @Test("a consumer of the archive group that holds nothing and stays idle past CONSUMER_FORGET_IDLE_MS is removed; the archiver's own stays")
    func forgetsIdleConsumers() async throws {
        try await ArchiveHarness.run { harness in
            let appended = try await harness.appendLoad(customers: 2)
            var configuration = ArchiveHarness.fastConfiguration()
            configuration.claimIdle = .seconds(1)
            configuration.forgetIdle = .milliseconds(500)
            let stream = TopicKeys(.customer).stream(.created)
            let archiver = harness.archiver(configuration)
            func consumers() async throws -> [String] {
                let reply = try await harness.redis.send("XINFO", "CONSUMERS", RESPArgument(stream), "archive")
                return (reply.array ?? []).compactMap { consumer in
                    (consumer.pairs ?? []).first { $0.key.string == "name" }?.value.string
                }.sorted()
            }
            try await withBackground([archiver]) {
                #expect(try await eventually { archiver.status.acknowledged == appended.count })
                // Left behind by an archiver of another name, or by a dead letter's replay, holding nothing.
                _ = try await harness.redis.send("XGROUP", "CREATECONSUMER", RESPArgument(stream), "archive", "left-behind")
                #expect(try await consumers() == ["archiver", "left-behind"])
                #expect(try await eventually(timeout: .seconds(20)) { try await consumers() == ["archiver"] })
            }
        }
    }

    @Test("archiving again what is already archived inserts nothing (ON CONFLICT DO NOTHING), entries are still acknowledged")
    func reinsertIsHarmless() async throws {
        try await ArchiveHarness.run { harness in
            let appended = try await harness.appendLoad(customers: 20)
            #expect(try await harness.archive.insert(Array(appended.prefix(10))) == 10)
            let archiver = harness.archiver()
            try await withBackground([archiver]) {
                let done = try await eventually { archiver.status.acknowledged == appended.count }
                #expect(done)
            }
            #expect(archiver.status.inserted == appended.count - 10)
            #expect(try await harness.archivedIDs().rows == appended.count)
        }
    }

    @Test("an entry that cannot be archived goes to the dead letters and blocks nothing behind it")
    func malformedEntryIsDeadLettered() async throws {
        try await ArchiveHarness.run { harness in
            let before = try await harness.appendLoad(customers: 3)
            // Written beside the store (into a topic it does not append to here, so its id clock is not disturbed).
            let key = TopicKeys(.billing).stream(.created)
            try await harness.redis.xadd(key, fields: [("event_id", "not-a-uuid"), ("entity", "{\"id\":\"x\"}"), ("aggregate_id", "x"),
                                                       ("version", "1"), ("enc", "json")])
            try await harness.redis.xadd(key, fields: [("garbage", "1")])
            let after = try await harness.appendLoad(customers: 3, tag: "late")
            let archiver = harness.archiver()
            try await withBackground([archiver]) {
                let expected = before.count + after.count
                let done = try await eventually { archiver.status.deadLettered == 2 && archiver.status.acknowledged == expected }
                #expect(done)
            }
            #expect(try await harness.archivedIDs().ids == Set((before + after).map(\.eventID)))
            #expect(try await harness.redis.xlen(TopicKeys(.billing).deadLetter) == 2)
            #expect(try await harness.redis.xpending(key, group: "archive").count == 0)
        }
    }

    @Test("PostgreSQL stopped for 30 s under load: nothing lost, nothing trimmed that is not archived, catch-up afterwards")
    func postgresOutage() async throws {
        let server = try await PostgresTestServer.start()
        do {
            try await outage(on: server)
        } catch {
            try? await server.stop()
            throw error
        }
        try await server.stop()
    }

    private func outage(on server: PostgresTestServer) async throws {
        try await ArchiveHarness.run(postgresServer: server) { harness in
            let archiver = harness.archiver()
            let trimmer = harness.trimmer()  // retention 0: trims whatever the groups allow, as early as possible
            try await withBackground([archiver, trimmer]) {
                let first = try await harness.appendLoad(customers: 50, tag: "before")
                #expect(try await eventually { archiver.status.acknowledged >= first.count })

                try await server.stopServer()
                var during: [StoredEvent] = []
                let outageEnd = ContinuousClock.now + .seconds(30)
                while ContinuousClock.now < outageEnd {
                    during += try await harness.appendLoad(customers: 5, tag: "during\(during.count)-")
                    try await Task.sleep(for: .milliseconds(500))
                }
                // Trimming ran all along; what PostgreSQL never got is still in Redis, every entry of it.
                let inRedis = try await harness.streamEntryIDs([.customer])
                #expect(during.allSatisfy { inRedis.contains($0.entryID.description) })
                #expect(archiver.status.lastError != nil)

                try await server.startServer()
                let all = first + during
                #expect(try await eventually(timeout: .seconds(120)) { try await harness.archive.count() == all.count })
                #expect(try await harness.archivedIDs().ids == Set(all.map(\.eventID)))
                // Once archived and acknowledged, retention 0 lets the trimmer empty the streams.
                #expect(try await eventually { try await harness.streamEntryIDs([.customer]).isEmpty })
            }
        }
    }
}
