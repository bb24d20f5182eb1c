import ArgumentParser

/// `ordershop-client`: the integration scenario and the load generator (subcommands land with their issues).
struct OrderShopClient: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ordershop-client",
        abstract: "OrderShop's command-line client.",
        subcommands: [HelloServer.self]
    )
}

/// Runs the client's async entry point (top-level code would otherwise pick the synchronous `main()`).
func runClient() async {
    await OrderShopClient.main()
}

await runClient()
