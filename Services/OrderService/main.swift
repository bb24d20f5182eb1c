// order-service (order commands): wiring only. The customer and every product must exist (422); stock is
// reserved before an order is written (409 when short) and a reconciler releases reservations left without an order.
import ShopAPI
import ShopDomain
import ShopEventStore
import ShopService

let config = ServiceConfig.fromEnvironment(name: "order-service", defaultPort: 5004)
let runtime = ServiceRuntime(config: config)
let store = EventStore(redis: runtime.redis, logger: runtime.logger, compressionThreshold: config.eventCompressionThreshold)
let commands = EntityCommands(OrderDraft.self, store: store, references: [
    Reference("customer_id", to: .customer) { [$0.customerID] },
    Reference("product_ids", to: .product) { $0.productIDs },
], hooks: StockReservations(store: store, logger: runtime.logger))
runtime.register(routes: commands.register)
runtime.addService(ReservationReconciler(store: store, grace: config.reservationGrace, logger: runtime.logger))
await runtime.runUntilStopped()
