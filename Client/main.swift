import ArgumentParser

/// `ordershop-client`: the integration scenario and the load generators.
struct OrderShopClient: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ordershop-client",
        abstract: "OrderShop's client: scenario and benchmarks.",
        subcommands: [BenchRedis.self, BenchEvents.self])
}

/// Top-level code prefers ParsableCommand's synchronous `main()`; inside an async function the async one is chosen.
func runCommandLine() async {
    await OrderShopClient.main()
}

await runCommandLine()
