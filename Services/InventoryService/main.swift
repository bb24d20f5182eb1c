// inventory-service (inventory commands): wiring only. One entry per product (the store's unique field, 409);
// the product must exist (422). Stock reservations are the store's scripts, run by order-service.
import ShopAPI
import ShopDomain
import ShopEventStore
import ShopService

let config = ServiceConfig.fromEnvironment(name: "inventory-service", defaultPort: 5003)
let runtime = ServiceRuntime(config: config)
let store = EventStore(redis: runtime.redis, logger: runtime.logger, compressionThreshold: config.eventCompressionThreshold)
let commands = EntityCommands(InventoryDraft.self, store: store, references: [
    Reference("product_id", to: .product) { [$0.productID] },
])
runtime.register(routes: commands.register)
await runtime.runUntilStopped()
