// archive-service: every event into PostgreSQL, event queries, safe trimming. Wiring only; the logic is ShopArchive.
import ShopArchive
import ShopEventStore
import ShopPostgres
import ShopService

let config = ServiceConfig.fromEnvironment(name: "archive-service", defaultPort: 5008)
let runtime = ServiceRuntime(config: config)

let postgresConfiguration = config.setting("DATABASE_URL", config.databaseURL) { try PostgresConfiguration(url: $0) }
let postgres = PostgresClient(configuration: postgresConfiguration, logger: runtime.logger)
var archiveConfiguration = ArchiveConfiguration()
archiveConfiguration.retention = config.eventRetention
archiveConfiguration.claimIdle = config.consumerClaimIdle
archiveConfiguration.forgetIdle = config.consumerForgetIdle

let archive = EventArchive(postgres: postgres, logger: runtime.logger)
let store = EventStore(redis: runtime.redis, logger: runtime.logger, compressionThreshold: config.eventCompressionThreshold)
let archiver = Archiver(redis: runtime.redis, archive: archive, configuration: archiveConfiguration, logger: runtime.logger)
let trimmer = StreamTrimmer(redis: runtime.redis, configuration: archiveConfiguration, logger: runtime.logger)

runtime.addReadinessCheck(name: "postgres") { try await postgres.ping() }
runtime.addService(postgres)
runtime.addService(archiver)
runtime.addService(trimmer)
runtime.register(routes: ArchiveRoutes(archive: archive, store: store, archiver: archiver).register)
runtime.register(routes: RestoreRoutes(restore: ArchiveRestore(archive: archive, store: store, logger: runtime.logger),
                                       admin: AdminAuthorization(config: config)).register)
await runtime.runUntilStopped()
