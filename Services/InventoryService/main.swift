// inventory-service (inventory commands and stock reservation): wiring only. Later issues register its routes and consumers here.
import ShopService

let config = ServiceConfig.fromEnvironment(name: "inventory-service", defaultPort: 5003)
let runtime = ServiceRuntime(config: config)
await runtime.runUntilStopped()
