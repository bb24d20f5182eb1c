// customer-service (customer commands): wiring only; the commands are ShopAPI's EntityCommands.
import ShopAPI
import ShopDomain
import ShopEventStore
import ShopService

let config = ServiceConfig.fromEnvironment(name: "customer-service", defaultPort: 5001)
let runtime = ServiceRuntime(config: config)
let store = EventStore(redis: runtime.redis, logger: runtime.logger, compressionThreshold: config.eventCompressionThreshold)
runtime.register(routes: EntityCommands(CustomerDraft.self, store: store).register)
await runtime.runUntilStopped()
