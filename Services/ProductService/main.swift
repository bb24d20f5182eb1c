// product-service (product commands): wiring only; the commands are ShopAPI's EntityCommands.
import ShopAPI
import ShopDomain
import ShopEventStore
import ShopService

let config = ServiceConfig.fromEnvironment(name: "product-service", defaultPort: 5002)
let runtime = ServiceRuntime(config: config)
let store = EventStore(redis: runtime.redis, logger: runtime.logger, compressionThreshold: config.eventCompressionThreshold)
runtime.register(routes: EntityCommands(ProductDraft.self, store: store).register)
await runtime.runUntilStopped()
