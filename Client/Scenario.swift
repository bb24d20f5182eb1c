import ArgumentParser
import Foundation

/// `ordershop-client scenario`: the original OrderShop's integration scenario against a running stack, every
/// answer checked; exits non-zero with the first mismatch.
struct Scenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the integration scenario against the gateway: 10 customers, 10 products, stock, 10 orders, "
            + "an update, deletions, a billing, the unbilled orders, the report, and the messages they cause.")

    @Option(help: "The gateway's base URL (default: GATEWAY_API_URL, else http://127.0.0.1:5000).")
    var gateway = ProcessInfo.processInfo.environment["GATEWAY_API_URL"] ?? "http://127.0.0.1:5000"

    @Option(help: "Seconds to wait for the messages of crm-service and billing-service; 0 skips that check.")
    var messagesTimeout = 60

    func validate() throws {
        guard messagesTimeout >= 0 else { throw ValidationError("--messages-timeout must not be negative") }
    }

    func run() async throws {
        let client: ScenarioGateway
        do {
            client = try ScenarioGateway(baseURL: gateway)
        } catch {
            print("scenario FAILED: \(error)")
            throw ExitCode.failure
        }
        var run = ScenarioRun(gateway: client)
        do {
            try await run.perform(messagesTimeout: .seconds(messagesTimeout))
            await client.shutdown()
            print("scenario passed")
        } catch {
            await client.shutdown()
            print("scenario FAILED at step \(run.currentStep): \(error)")
            throw ExitCode.failure
        }
    }
}
