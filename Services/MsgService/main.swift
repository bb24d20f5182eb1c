// msg-service (e-mail messages): wiring only. `POST /email` records each message once per key in the capped
// `messages` stream (read by the gateway's `GET /messages`) and logs it.
import ShopService

let config = ServiceConfig.fromEnvironment(name: "msg-service", defaultPort: 5007)
let runtime = ServiceRuntime(config: config)
let recorder = MessageRecorder(redis: runtime.redis, maxLength: 100_000, keyLifetime: .seconds(7 * 24 * 3600))
runtime.register(routes: EmailRoutes(recorder: recorder).register)
await runtime.runUntilStopped()
