// archive-service (the PostgreSQL event archive): wiring only. Later issues register its routes and consumers here.
import ShopService

let config = ServiceConfig.fromEnvironment(name: "archive-service", defaultPort: 5008)
let runtime = ServiceRuntime(config: config)
await runtime.runUntilStopped()
