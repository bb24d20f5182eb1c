// billing-service (billing commands and payment messages): wiring only. One billing per order (the store's
// unique field, 409); the order must exist (422).
import ShopAPI
import ShopDomain
import ShopEventStore
import ShopReactions
import ShopService

let config = ServiceConfig.fromEnvironment(name: "billing-service", defaultPort: 5005)
let runtime = ServiceRuntime(config: config)
let store = EventStore(redis: runtime.redis, logger: runtime.logger, compressionThreshold: config.eventCompressionThreshold)
let commands = EntityCommands(BillingDraft.self, store: store, references: [
    Reference("order_id", to: .order) { [$0.orderID] },
])
runtime.register(routes: commands.register)
let reactions = Reactions(config: config, redis: runtime.redis, store: store, messages: runtime.requiredClient(for: .msg), logger: runtime.logger)
runtime.addService(BillingReactions.makeConsumer(reactions: reactions))
await runtime.runUntilStopped()
