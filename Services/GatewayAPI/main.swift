// gateway-api (the public API): wiring only. Queries read the projections in Redis; commands go to their owners.
import Foundation
import ShopAPI
import ShopDomain
import ShopEventStore
import ShopService

let config = ServiceConfig.fromEnvironment(name: "gateway-api", defaultPort: 5000)
let runtime = ServiceRuntime(config: config)
let store = EventStore(redis: runtime.redis, logger: runtime.logger, compressionThreshold: config.eventCompressionThreshold)
let owners: [Topic: ServiceName] = [
    .customer: .customer, .product: .product, .inventory: .inventory, .order: .order, .billing: .billing,
]
do {
    let commands = CommandRoutes(
        owners: try owners.mapValues { service in (service.executable, try runtime.client(for: service)) },
        archive: try runtime.client(for: .archive))
    runtime.register(routes: commands.register)
    runtime.register(routes: HistoryRoutes(store: store, archive: try runtime.client(for: .archive)).register)
    runtime.register(routes: CausationTreeRoutes(archive: try runtime.client(for: .archive), log: MessageLog(store: store), owners: owners).register)
    runtime.register(routes: ServicesRoutes(clients: try ServiceName.allCases.map { ($0, try runtime.client(for: $0)) }).register)
} catch {
    runtime.logger.critical("cannot create the upstream clients", metadata: ["error.message": "\(error)"])
    exit(78)
}
runtime.register(routes: QueryRoutes(store: store, cache: DocumentCache(store: store)).register)
runtime.register(routes: MessageRoutes(redis: runtime.redis).register)
runtime.register(routes: OpenAPIRoutes().register)
runtime.register(routes: DeadLetterRoutes(store: store, admin: AdminAuthorization(config: config)).register)
runtime.register(routes: LiveFeedRoutes(store: store).register)
runtime.register(routes: RecentEventsRoutes(store: store).register)
runtime.register(routes: VerifyRoutes(store: store).register)
runtime.register(routes: ConsoleRoutes().register)
runtime.exitListingRoutesIfAsked()
await runtime.runUntilStopped()
