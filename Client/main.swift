// ordershop-client: the command-line client of OrderShop. Each subcommand lives in its own file; the benchmarks
// are `ordershop-bench` (Benchmarks/OrderShopBench).
import ArgumentParser

/// The root command; `ordershop-client --help` lists the subcommands.
struct OrderShopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ordershop-client",
        abstract: "The OrderShop client: readiness, the integration scenario, the load generator and restore.",
        subcommands: [
            Ready.self,        // ready: wait until the nine services answer /ready (runtime)
            Restore.self,      // restore: rebuild Redis from the PostgreSQL archive (archive)
            Scenario.self,     // scenario: the integration scenario against a running stack (reactions)
            Load.self,         // load: the load generator that checks correctness (load)
        ])
}

/// The async entry point (top-level code would otherwise pick the synchronous `main()`).
func runOrderShopCommand() async {
    await OrderShopCommand.main()
}

await runOrderShopCommand()
