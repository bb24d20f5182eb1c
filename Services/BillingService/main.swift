// billing-service (billing commands and payment messages): wiring only. One billing per order (the store's
// unique field, 409); the order must exist (422).
import ShopAPI
import ShopDomain
import ShopEventStore
import ShopService

let config = ServiceConfig.fromEnvironment(name: "billing-service", defaultPort: 5005)
let runtime = ServiceRuntime(config: config)
let store = EventStore(redis: runtime.redis, logger: runtime.logger, compressionThreshold: config.eventCompressionThreshold)
let commands = EntityCommands(BillingDraft.self, store: store, references: [
    Reference("order_id", to: .order) { [$0.orderID] },
])
runtime.register(routes: commands.register)
runtime.addService(BillingReactions.makeConsumer(runtime: runtime, store: store))
await runtime.runUntilStopped()
