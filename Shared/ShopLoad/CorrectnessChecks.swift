import ShopDomain

/// The checks a run must pass: nothing oversold, stock conserved, accepted orders listed, no event lost,
/// projection equal to the fold of the events, no server errors.
public enum CorrectnessChecks {
    /// How many offenders a failed check names.
    static let offendersShown = 5

    /// Every check, in a fixed order.
    public static func all(_ observations: LoadObservations) -> [CheckResult] {
        [
            noOversell(observations),
            stockConserved(observations),
            acceptedOrdersListed(observations),
            noEventLost(observations),
            projectionMatchesEvents(observations),
            noServerErrors(observations),
        ]
    }

    /// No product was sold beyond its stock: accepted units and units held by live orders stay within the
    /// initial stock, and no stock is negative.
    public static func noOversell(_ observations: LoadObservations) -> CheckResult {
        let accepted = units(in: observations.acceptedOrders.values)
        let held = units(in: observations.liveOrders.map(\.productIDs))
        let current = currentStock(observations.inventory)
        var offenders: [String] = []
        for (product, initial) in observations.initialStock.sorted(by: { $0.key < $1.key }) {
            if accepted[product, default: 0] > initial {
                offenders.append("\(product): \(accepted[product, default: 0]) accepted of \(initial)")
            } else if held[product, default: 0] > initial {
                offenders.append("\(product): \(held[product, default: 0]) held by live orders of \(initial)")
            } else if let amount = current[product], amount < 0 {
                offenders.append("\(product): stock \(amount)")
            }
        }
        let total = accepted.filter { observations.initialStock[$0.key] != nil }.values.reduce(0, +)
        return result("no-oversell", offenders: offenders,
                      passed: "\(total) units accepted across \(observations.initialStock.count) products, none beyond stock")
    }

    /// Per product: initial stock − units held by live orders = current stock.
    public static func stockConserved(_ observations: LoadObservations) -> CheckResult {
        let held = units(in: observations.liveOrders.map(\.productIDs))
        let current = currentStock(observations.inventory)
        var offenders: [String] = []
        for (product, initial) in observations.initialStock.sorted(by: { $0.key < $1.key }) {
            guard let amount = current[product] else {
                offenders.append("\(product): no inventory entry")
                continue
            }
            let expected = initial - held[product, default: 0]
            if amount != expected {
                offenders.append("\(product): stock \(amount), expected \(initial) − \(held[product, default: 0]) = \(expected)")
            }
        }
        return result("stock-conserved", offenders: offenders,
                      passed: "initial − held by live orders = current for \(observations.initialStock.count) products")
    }

    /// Every accepted order is in `GET /orders` with the products it was placed with, and no id is listed twice.
    public static func acceptedOrdersListed(_ observations: LoadObservations) -> CheckResult {
        var listed: [String: [String]] = [:]
        var offenders: [String] = []
        for order in observations.liveOrders {
            if listed.updateValue(order.productIDs, forKey: order.id) != nil {
                offenders.append("\(order.id): listed twice")
            }
        }
        for (id, products) in observations.acceptedOrders.sorted(by: { $0.key < $1.key }) {
            guard let shown = listed[id] else {
                offenders.append("\(id): accepted but not listed")
                continue
            }
            if shown != products {
                offenders.append("\(id): listed with products \(shown), placed with \(products)")
            }
        }
        return result("accepted-orders-listed", offenders: offenders,
                      passed: "\(observations.acceptedOrders.count) accepted orders all listed among \(observations.liveOrders.count)")
    }

    /// One `order_created` event per accepted order; unanswered orders may each have added one.
    public static func noEventLost(_ observations: LoadObservations) -> CheckResult {
        let name = "no-event-lost"
        guard let events = observations.orderCreatedEvents else {
            return .skipped(name, because: "the order_created stream length was not available from GET /status")
        }
        let accepted = observations.acceptedOrders.count
        let most = accepted + observations.unansweredOrders
        if events < accepted {
            return CheckResult(name: name, passed: false,
                               detail: "\(events) order_created events for \(accepted) accepted orders: \(accepted - events) lost")
        }
        if events > most {
            return CheckResult(name: name, passed: false,
                               detail: "\(events) order_created events for \(accepted) accepted (+\(observations.unansweredOrders) unanswered) orders: \(events - most) unexplained")
        }
        let unanswered = observations.unansweredOrders > 0 ? " (+ up to \(observations.unansweredOrders) unanswered)" : ""
        return CheckResult(name: name, passed: true, detail: "\(events) order_created events for \(accepted) accepted orders\(unanswered)")
    }

    /// The projections equal the fold of their events.
    public static func projectionMatchesEvents(_ observations: LoadObservations) -> CheckResult {
        let name = "projection-matches-events"
        guard let differences = observations.projectionDifferences else {
            return .skipped(name, because: "the gateway has no GET /verify/{topic} to compare projections with their events")
        }
        let offenders = differences.sorted { $0.key < $1.key }.flatMap { topic, list in list.map { "\(topic): \($0)" } }
        let topics = differences.keys.sorted().joined(separator: ", ")
        return result(name, offenders: offenders, passed: "projection = fold of events for \(topics)")
    }

    /// No request was answered with a 5xx status or left without an answer.
    public static func noServerErrors(_ observations: LoadObservations) -> CheckResult {
        observations.serverErrors == 0
            ? CheckResult(name: "no-server-errors", passed: true, detail: "no 5xx answer, no request unanswered")
            : CheckResult(name: "no-server-errors", passed: false,
                          detail: "\(observations.serverErrors) requests answered 5xx or not at all")
    }

    /// Units of each product over a set of orders, counting repeats.
    static func units(in orders: some Sequence<[String]>) -> [String: Int] {
        var units: [String: Int] = [:]
        for products in orders {
            for product in products { units[product, default: 0] += 1 }
        }
        return units
    }

    /// Current stock by product id (the sum, should a product ever have two entries).
    static func currentStock(_ inventory: [Inventory]) -> [String: Int] {
        var stock: [String: Int] = [:]
        for entry in inventory { stock[entry.productID, default: 0] += entry.amount }
        return stock
    }

    private static func result(_ name: String, offenders: [String], passed detail: String) -> CheckResult {
        guard !offenders.isEmpty else { return CheckResult(name: name, passed: true, detail: detail) }
        let shown = offenders.prefix(offendersShown).joined(separator: "; ")
        let more = offenders.count > offendersShown ? "; and \(offenders.count - offendersShown) more" : ""
        return CheckResult(name: name, passed: false, detail: shown + more)
    }
}
