// ordershop-client: the command-line client of OrderShop. Each subcommand lives in its own file.
import ArgumentParser

/// The root command; `ordershop-client --help` lists the subcommands.
struct OrderShopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ordershop-client",
        abstract: "The OrderShop client: readiness, benchmarks and the integration scenario.",
        subcommands: [
            Ready.self,        // ready: wait until the nine services answer /ready (runtime)
            HelloServer.self,  // hello-server: the ShopHTTP side of make bench-http (http)
            BenchRedis.self,   // bench-redis: make bench-redis (redis)
            BenchEvents.self,  // bench-events: make bench-events (eventstore)
            Restore.self,      // restore: rebuild Redis from the PostgreSQL archive (archive)
            BenchArchive.self, // bench-archive: make bench-archive (archive)
            Scenario.self,     // scenario: the integration scenario against a running stack (reactions)
            Load.self,         // load: the load generator that checks correctness (load)
            BenchOrders.self,  // bench-orders: the Redis-only floor of an order and bytes per order (bench)
            BenchScale.self,   // bench-scale: append rate against a short and a 1M-entry stream (bench)
        ])
}

/// The async entry point (top-level code would otherwise pick the synchronous `main()`).
func runOrderShopCommand() async {
    await OrderShopCommand.main()
}

await runOrderShopCommand()
