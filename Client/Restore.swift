import ArgumentParser
import Foundation
import Logging
import ShopArchive
import ShopEventStore
import ShopPostgres
import ShopRedis
import ShopService

/// `ordershop-client restore`: after Redis lost its data, rebuilds it from the PostgreSQL archive.
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild Redis from the PostgreSQL archive after Redis lost its data (REDIS_URL, DATABASE_URL).",
        discussion: """
            Restores every topic's projection, versions and unique index, the append clock and the streams' last ids
            (new events continue after the archived ones) and the stock reservations of live orders. Refuses to run
            while Redis still holds any topic's data. Stop the services first, or restart them afterwards.
            """)

    func run() async throws {
        let config: ServiceConfig
        do {
            config = try ServiceConfig.parse(environment: ProcessInfo.processInfo.environment, name: "ordershop-client", defaultPort: 0)
        } catch {
            throw ValidationError(error.message)
        }
        var logger = Logger(label: "ordershop-client")
        logger.logLevel = .warning
        let redis = RedisClient(configuration: config.redis, logger: logger)
        let postgres = PostgresClient(configuration: try PostgresConfiguration(url: config.databaseURL), logger: logger)
        let archive = EventArchive(postgres: postgres, logger: logger)
        let store = EventStore(redis: redis, logger: logger, compressionThreshold: config.eventCompressionThreshold)
        let reports = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await redis.run() }
            group.addTask { try await postgres.run() }
            defer { group.cancelAll() }
            try await archive.migrate()
            return try await ArchiveRestore(archive: archive, store: store, logger: logger).run()
        }
        for report in reports {
            let topic = report.topic.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
            print("\(topic) \(report.events) events, \(report.entities) live, ids continue after \(report.lastEntryID?.description ?? "-")")
        }
        print("restore: done (\(reports.reduce(0) { $0 + $1.events }) events)")
    }
}
