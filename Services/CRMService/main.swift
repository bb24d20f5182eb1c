// crm-service (customer messages on events): wiring only. It follows customer_created, customer_deleted and
// order_created in the `crm-service` consumer group and sends each message once, also after a stop or a crash.
import ShopEventStore
import ShopReactions
import ShopService

let config = ServiceConfig.fromEnvironment(name: "crm-service", defaultPort: 5006)
let runtime = ServiceRuntime(config: config)
let store = EventStore(redis: runtime.redis, logger: runtime.logger, compressionThreshold: config.eventCompressionThreshold)
let reactions = Reactions(config: config, redis: runtime.redis, store: store, messages: runtime.requiredClient(for: .msg), logger: runtime.logger)
runtime.addService(CRMReactions(reactions: reactions).makeConsumer())
await runtime.runUntilStopped()
