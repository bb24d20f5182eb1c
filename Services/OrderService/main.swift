// order-service (order commands): wiring only. The customer and every product must exist (422); the stock ledger
// reserves stock before an order is written (409 when short) and a reconciler releases reservations left without an order.
import ShopEventStore
import ShopService
import ShopStockLedger

let config = ServiceConfig.fromEnvironment(name: "order-service", defaultPort: 5004)
let runtime = ServiceRuntime(config: config)
let store = EventStore(redis: runtime.redis, logger: runtime.logger, compressionThreshold: config.eventCompressionThreshold)
let ledger = StockLedger(store: store, logger: runtime.logger)
runtime.register(routes: OrderCommands(store: store, ledger: ledger).register)
runtime.addService(ReservationReconciler(ledger: ledger, grace: config.reservationGrace, logger: runtime.logger))
await runtime.runUntilStopped()
