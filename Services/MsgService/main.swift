// msg-service (e-mail messages): wiring only. Later issues register its routes and consumers here.
import ShopService

let config = ServiceConfig.fromEnvironment(name: "msg-service", defaultPort: 5007)
let runtime = ServiceRuntime(config: config)
await runtime.runUntilStopped()
