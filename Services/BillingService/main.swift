// billing-service (billing commands and payment messages): wiring only. Later issues register its routes and consumers here.
import ShopService

let config = ServiceConfig.fromEnvironment(name: "billing-service", defaultPort: 5005)
let runtime = ServiceRuntime(config: config)
await runtime.runUntilStopped()
