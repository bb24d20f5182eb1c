import Logging
import ShopDomain
import ShopLoad

/// Gathers what the correctness checks compare, all through the gateway: the shop's orders, inventory and event
/// counts, and each changed topic's projection against the fold of its events (`GET /verify/{topic}`).
struct LoadVerifier: Sendable {
    /// The topics whose projections a run changes.
    static let verifiedTopics: [Topic] = [.order, .inventory]
    /// The `order_created` stream as `GET /status` names it.
    static let orderCreatedStream = "events:{order}_created"

    let gateway: LoadGateway
    let logger: Logger

    /// The length of the `order_created` stream as `GET /status` shows it; nil when the gateway does not say.
    func orderCreatedCount() async -> Int? {
        do {
            return try GatewayJSON.streamLength(try await gateway.require(.GET, "/status"), stream: Self.orderCreatedStream)
        } catch {
            logger.warning("no event count from GET /status", metadata: ["error.message": "\(error)"])
            return nil
        }
    }

    /// Waits until the consumer groups have caught up (no lag, nothing pending), so a run starts on a quiet
    /// shop rather than one still reacting to the set-up or an earlier run; false when `timeout` passed first.
    func waitUntilConsumersSettle(timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            let backlog = try GatewayJSON.consumerBacklog(try await gateway.require(.GET, "/status"))
            if backlog == 0 { return true }
            if ContinuousClock.now >= deadline {
                logger.warning("consumers still behind; starting anyway", metadata: ["load.backlog": "\(backlog)"])
                return false
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Reads the shop after a run and judges it. Orders left unanswered may still be in flight at the
    /// services, so a failing verdict is read again a few times before it stands.
    func check(fixture: LoadFixture, tally: LoadRecorder.Tally, orderCreatedBefore: Int?) async throws -> [CheckResult] {
        var checks: [CheckResult] = []
        let attempts = tally.unansweredOrders > 0 ? 5 : 1
        for attempt in 1...attempts {
            let observations = try await observe(fixture: fixture, tally: tally, orderCreatedBefore: orderCreatedBefore)
            checks = CorrectnessChecks.all(observations)
            if checks.allSatisfy(\.passed) || attempt == attempts { break }
            try await Task.sleep(for: .seconds(1))
        }
        return checks
    }

    private func observe(fixture: LoadFixture, tally: LoadRecorder.Tally, orderCreatedBefore: Int?) async throws -> LoadObservations {
        let orders = try GatewayJSON.orders(try await gateway.require(.GET, "/orders"))
        let inventory = try GatewayJSON.inventory(try await gateway.require(.GET, "/inventory"))
        var created: Int?
        if let before = orderCreatedBefore, let after = await orderCreatedCount() { created = after - before }
        return LoadObservations(
            initialStock: fixture.initialStock, acceptedOrders: tally.acceptedOrders,
            unansweredOrders: tally.unansweredOrders, liveOrders: orders, inventory: inventory,
            orderCreatedEvents: created, projectionDifferences: try await projectionDifferences(),
            serverErrors: tally.serverErrors)
    }

    /// Each verified topic's differences between projection and fold of events as the gateway finds them, or nil
    /// when the gateway has no `GET /verify/{topic}` (404: a gateway older than the route).
    private func projectionDifferences() async throws -> [String: [String]]? {
        var differences: [String: [String]] = [:]
        for topic in Self.verifiedTopics {
            guard let body = try await gateway.getUnlessMissing("/verify/\(topic.rawValue)") else { return nil }
            differences[topic.rawValue] = try GatewayJSON.verifyDifferences(body)
        }
        return differences
    }
}
