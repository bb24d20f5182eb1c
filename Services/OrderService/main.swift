// order-service (order commands): wiring only. Later issues register its routes and consumers here.
import ShopService

let config = ServiceConfig.fromEnvironment(name: "order-service", defaultPort: 5004)
let runtime = ServiceRuntime(config: config)
await runtime.runUntilStopped()
