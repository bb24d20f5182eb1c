// gateway-api (the public API): wiring only. Later issues register its routes and consumers here.
import ShopService

let config = ServiceConfig.fromEnvironment(name: "gateway-api", defaultPort: 5000)
let runtime = ServiceRuntime(config: config)
await runtime.runUntilStopped()
