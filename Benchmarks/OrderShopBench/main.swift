// Benchmarks/OrderShopBench: `ordershop-bench`, the benchmark commands that `make bench-*` runs, each beside its
// reference (redis-benchmark, Hummingbird, the Redis-only floor), and the hello server of `make bench-http`.
import ArgumentParser

/// The root command; `ordershop-bench --help` lists the benchmarks.
struct OrderShopBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ordershop-bench",
        abstract: "The OrderShop benchmarks: each measures one layer beside its reference (make bench runs them all).",
        subcommands: [
            HelloServer.self,  // hello-server: the ShopHTTP side of make bench-http (http)
            BenchRedis.self,   // bench-redis: make bench-redis (redis)
            BenchEvents.self,  // bench-events: make bench-events (eventstore)
            BenchArchive.self, // bench-archive: make bench-archive (archive)
            BenchOrders.self,  // bench-orders: the Redis-only floor of an order and bytes per order (bench)
            BenchScale.self,   // bench-scale: append rate against a short and a 1M-entry stream (bench)
        ])
}

/// The async entry point (top-level code would otherwise pick the synchronous `main()`).
func runOrderShopBenchCommand() async {
    await OrderShopBenchCommand.main()
}

await runOrderShopBenchCommand()
