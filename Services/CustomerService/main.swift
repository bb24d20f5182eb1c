// customer-service (customer commands): wiring only. Later issues register its routes and consumers here.
import ShopService

let config = ServiceConfig.fromEnvironment(name: "customer-service", defaultPort: 5001)
let runtime = ServiceRuntime(config: config)
await runtime.runUntilStopped()
