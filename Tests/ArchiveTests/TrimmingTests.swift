import ShopArchive
import ShopDomain
import ShopEventStore
import ShopRedis
import Testing

@Suite("Trimming: only what is archived and acknowledged by every group, and older than the retention")
struct TrimmingTests {
    static let created = TopicKeys(.customer).stream(.created)

    @Test("a group that lags blocks trimming of what it has not acknowledged, and /status names it")
    func laggingGroupHoldsBack() async throws {
        try await ArchiveHarness.run { harness in
            try await harness.redis.xgroupCreate(Self.created, group: "laggard", id: "0")
            let events = try await harness.appendLoad(customers: 10)
            let archiver = harness.archiver()
            try await withBackground([archiver]) {
                let done = try await eventually { archiver.status.acknowledged == events.count }
                #expect(done)
            }
            // laggard: 4 delivered, the first 2 acknowledged → entries 3 and 4 pending, 5… not delivered.
            let read = try await harness.redis.xreadgroup(group: "laggard", consumer: "slow", streams: [(Self.created, ">")], count: 4)
            let ids = read.flatMap(\.entries).map(\.id)
            try await harness.redis.xack(Self.created, group: "laggard", ids: Array(ids.prefix(2)))

            let reports = try await harness.trimmer().trimOnce()
            let report = try #require(reports.first { $0.stream == Self.created })
            #expect(report.trimmed == 2)
            #expect(report.minID == ids[2])
            #expect(report.heldBy.contains("laggard") && report.heldBy.contains("pending"))
            #expect(try await harness.redis.xrange(Self.created).first?.id == ids[2])
            #expect(try await harness.store.archiveTrimReports().contains { $0.stream == Self.created && $0.heldBy.contains("laggard") })
            // GET /status (gateway-api's and archive-service's) shows the same reports.
            #expect(try await harness.store.status().trimming == (try await harness.store.archiveTrimReports()))

            // Caught up: everything may go.
            try await harness.redis.xack(Self.created, group: "laggard", ids: Array(ids.suffix(2)))
            let rest = try await harness.redis.xreadgroup(group: "laggard", consumer: "slow", streams: [(Self.created, ">")], count: 100)
            try await harness.redis.xack(Self.created, group: "laggard", ids: rest.flatMap(\.entries).map(\.id))
            _ = try await harness.trimmer().trimOnce()
            #expect(try await harness.redis.xlen(Self.created) == 0)
        }
    }

    @Test("nothing is trimmed that the archive group has not acknowledged, nor without an archive group at all")
    func unarchivedStays() async throws {
        try await ArchiveHarness.run { harness in
            let events = try await harness.appendLoad(customers: 5)
            let noGroup = try await harness.trimmer().trimOnce()
            #expect(noGroup.allSatisfy { $0.trimmed == 0 && $0.minID == nil && $0.heldBy.contains("no archive group") })
            // The archive group exists but has read nothing (an archiver that never got PostgreSQL).
            try await harness.redis.xgroupCreate(Self.created, group: "archive", id: "0")
            let reports = try await harness.trimmer().trimOnce()
            #expect(reports.first { $0.stream == Self.created }?.heldBy.contains("group archive") == true)
            #expect(try await harness.streamEntryIDs([.customer]).count == events.count)
        }
    }

    @Test("archived entries younger than the retention stay in Redis")
    func retentionKeepsRecentEntries() async throws {
        try await ArchiveHarness.run { harness in
            let events = try await harness.appendLoad(customers: 5)
            let archiver = harness.archiver()
            try await withBackground([archiver]) {
                let done = try await eventually { archiver.status.acknowledged == events.count }
                #expect(done)
            }
            let reports = try await harness.trimmer(ArchiveHarness.fastConfiguration(retention: .seconds(3600))).trimOnce()
            let customer = reports.filter { $0.stream.contains("{customer}") }
            #expect(customer.count == 3 && customer.allSatisfy { $0.trimmed == 0 && $0.heldBy.hasPrefix("retention") }, "\(reports)")
            #expect(reports.filter { !$0.stream.contains("{customer}") }.allSatisfy { $0.trimmed == 0 && $0.heldBy.contains("empty") })
            #expect(try await harness.streamEntryIDs([.customer]).count == events.count)
        }
    }
}
