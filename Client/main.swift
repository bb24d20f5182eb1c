import ArgumentParser

/// `ordershop-client`: the integration scenario and the load generators.
struct OrderShopClient: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ordershop-client",
        abstract: "OrderShop's client: scenario and benchmarks.",
        subcommands: [BenchEvents.self])
}

/// Parses and runs the subcommand. In a function (not top-level code), `run()` on the async existential
/// resolves to the async requirement; at top level it picked the synchronous default, which only prints help.
func runClient() async {
    do {
        var command = try OrderShopClient.parseAsRoot()
        if var asyncCommand = command as? any AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
    } catch {
        OrderShopClient.exit(withError: error)
    }
}

await runClient()
