// crm-service (customer messages on events): wiring only. Later issues register its routes and consumers here.
import ShopService

let config = ServiceConfig.fromEnvironment(name: "crm-service", defaultPort: 5006)
let runtime = ServiceRuntime(config: config)
await runtime.runUntilStopped()
