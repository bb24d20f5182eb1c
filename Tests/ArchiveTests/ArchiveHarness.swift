import Foundation
import Logging
import ServiceLifecycle
import ShopArchive
import ShopDomain
import ShopEventStore
import ShopPostgres
import ShopRedis
import ShopTestSupport

/// A private Redis (a cluster with `SHOP_TEST_REDIS=cluster`), a fresh database on a real PostgreSQL (the shared one unless a test brings its own), running
/// clients, the archive (migrated) and an event store, for the body of one test.
struct ArchiveHarness: Sendable {
    /// `REDIS_URL` of the private Redis.
    let redisURL: String
    let redis: RedisClient
    let postgresServer: PostgresTestServer
    let databaseURL: String
    let postgres: PostgresClient
    let archive: EventArchive
    let store: EventStore
    let logger: Logger

    static let logger: Logger = {
        var logger = Logger(label: "test.archive")
        // ARCHIVE_TEST_LOG=debug shows what the archiver, the trimmer and the clients do.
        logger.logLevel = ProcessInfo.processInfo.environment["ARCHIVE_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        return logger
    }()

    /// Starts everything, runs `body`, and stops it all whatever happens.
    static func run<T: Sendable>(postgresServer: PostgresTestServer? = nil,
                                 _ body: @Sendable (ArchiveHarness) async throws -> T) async throws -> T {
        let redisServer = try await TestRedis.start()
        defer { redisServer.stop() }
        let pgServer: PostgresTestServer
        if let postgresServer { pgServer = postgresServer } else { pgServer = try await PostgresTestServer.shared() }
        let databaseURL = try await pgServer.createDatabase(prefix: "archive")
        var redisConfiguration = try RedisConfiguration(url: redisServer.url)
        redisConfiguration.poolSize = 4
        let redis = RedisClient(configuration: redisConfiguration, logger: logger)
        let postgres = PostgresClient(configuration: try PostgresConfiguration(url: databaseURL, poolSize: 4), logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await redis.run() }
            group.addTask { try await postgres.run() }
            defer { group.cancelAll() }
            try await redis.ping()
            let archive = EventArchive(postgres: postgres, logger: logger)
            try await archive.migrate()
            let harness = ArchiveHarness(redisURL: redisServer.url, redis: redis, postgresServer: pgServer, databaseURL: databaseURL,
                                         postgres: postgres, archive: archive, store: EventStore(redis: redis, logger: logger),
                                         logger: logger)
            return try await body(harness)
        }
    }

    /// Quick batches and trims, so tests see results in milliseconds.
    static func fastConfiguration(retention: Duration = .zero) -> ArchiveConfiguration {
        var configuration = ArchiveConfiguration()
        configuration.batchSize = 200
        configuration.batchDelay = .milliseconds(20)
        configuration.idleBlock = .milliseconds(200)
        configuration.maxBackoff = .milliseconds(500)
        configuration.trimInterval = .milliseconds(200)
        configuration.retention = retention
        return configuration
    }

    func archiver(_ configuration: ArchiveConfiguration = ArchiveHarness.fastConfiguration()) -> Archiver {
        Archiver(redis: redis, archive: archive, configuration: configuration, logger: logger)
    }

    func trimmer(_ configuration: ArchiveConfiguration = ArchiveHarness.fastConfiguration()) -> StreamTrimmer {
        StreamTrimmer(redis: redis, configuration: configuration, logger: logger)
    }

    /// The event ids PostgreSQL holds, and how many rows (a duplicate would make them differ).
    func archivedIDs() async throws -> (ids: Set<String>, rows: Int) {
        let rows = try await postgres.query("SELECT event_id::text AS id FROM events")
        return (Set(try rows.map { try $0.string("id") }), rows.count)
    }

    /// Every entry id present in the event streams of `topics`.
    func streamEntryIDs(_ topics: [Topic] = Topic.allCases) async throws -> Set<String> {
        var ids: Set<String> = []
        for stream in EventStreamID.all(of: topics) {
            ids.formUnion(try await redis.xrange(stream.key).map(\.id))
        }
        return ids
    }

    /// Entries in every event stream together.
    func totalStreamLength() async throws -> Int {
        var total = 0
        for stream in EventStreamID.all(of: Topic.allCases) { total += try await redis.xlen(stream.key) }
        return total
    }

    /// Appends a mixed load: `customers` creates, an update of each, a delete of every third; returns the events.
    func appendLoad(customers: Int, tag: String = "") async throws -> [StoredEvent] {
        var events: [StoredEvent] = []
        for index in 0..<customers {
            let id = EntityID.make()
            let customer = Customer(id: id, name: "Customer \(tag)\(index)", email: "c\(index)\(tag)@example.com")
            events += try await store.append([NewEvent(action: .created, aggregateID: id, entity: try Self.json(customer), expectedVersion: 0)],
                                             topic: .customer)
            var renamed = customer
            renamed.name += " (renamed)"
            events.append(try await store.update(renamed))
            if index % 3 == 0 { events.append(try await store.delete(Customer.self, id: id)) }
        }
        return events
    }

    static func json<E: Entity>(_ entity: E) throws -> [UInt8] { Array(try JSONEncoder().encode(entity)) }
}

/// Runs `service` in the background while `body` runs, then cancels it (what a kill does to its task).
func withBackground<T: Sendable>(_ services: [any Service], _ body: () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for service in services { group.addTask { try await service.run() } }
        defer { group.cancelAll() }
        return try await body()
    }
}

/// Polls `condition` until it holds or `timeout` passes (generous: the machine is loaded).
func eventually(timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}
