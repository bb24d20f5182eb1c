// product-service (product commands): wiring only. Later issues register its routes and consumers here.
import ShopService

let config = ServiceConfig.fromEnvironment(name: "product-service", defaultPort: 5002)
let runtime = ServiceRuntime(config: config)
await runtime.runUntilStopped()
