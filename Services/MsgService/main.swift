// msg-service (e-mail messages): wiring only. `POST /email` records each message once per key in the message log
// (the capped `messages` stream the gateway's `GET /messages` reads) and logs it.
import ShopEventStore
import ShopService

let config = ServiceConfig.fromEnvironment(name: "msg-service", defaultPort: 5007)
let runtime = ServiceRuntime(config: config)
let log = MessageLog(store: EventStore(redis: runtime.redis, logger: runtime.logger))
runtime.register(routes: EmailRoutes(log: log).register)
await runtime.runUntilStopped()
