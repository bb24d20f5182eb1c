import Foundation
import ShopDomain

extension ScenarioRun {
    /// The most messages `GET /messages` lists in one answer.
    static let messagesLimit = 10_000

    /// Every message the scenario causes, as (recipient, text) with how often it must appear: a welcome per customer,
    /// a goodbye for the deleted one, a confirmation and a payment request per order as created, a thank-you for the billing.
    func expectedMessages() -> [SentMessage: Int] {
        var expected: [SentMessage: Int] = [:]
        func add(_ customer: Customer, _ text: String) { expected[SentMessage(to: customer.email, msg: text), default: 0] += 1 }
        let customersByID = Dictionary(uniqueKeysWithValues: customers.map { ($0.id, $0) })
        let productsByID = Dictionary(uniqueKeysWithValues: products.map { ($0.id, $0) })
        for customer in customers { add(customer, Messages.welcome(customer)) }
        if let deletedCustomer { add(deletedCustomer, Messages.goodbye(deletedCustomer)) }
        for order in createdOrders {
            guard let customer = customersByID[order.customerID] else { continue }
            let items = order.productIDs.compactMap { productsByID[$0] }
            add(customer, Messages.orderConfirmation(customer, products: items))
            add(customer, Messages.paymentRequest(customer, products: items))
        }
        if let billing, let order = liveOrders.first(where: { $0.id == billing.orderID }),
           let customer = customersByID[order.customerID] {
            add(customer, Messages.paymentReceived(customer, products: order.productIDs.compactMap { productsByID[$0] }))
        }
        return expected
    }

    /// Polls `GET /messages` until every expected message is there exactly once; a second copy fails at once.
    func checkMessages(timeout: Duration) async throws {
        let expected = expectedMessages()
        let total = expected.values.reduce(0, +)
        let deadline = ContinuousClock.now + timeout
        while true {
            let listed = try await gateway.get("/messages?limit=\(Self.messagesLimit)", as: [ListedMessage].self)
            var seen: [SentMessage: Int] = [:]
            for message in listed {
                let sent = SentMessage(to: message.to, msg: message.msg)
                guard let wanted = expected[sent] else { continue }
                seen[sent, default: 0] += 1
                if seen[sent, default: 0] > wanted {
                    throw ScenarioFailure("GET /messages: sent more than once (key \(message.key)) to \(message.to): \(message.msg.debugDescription)")
                }
            }
            let missing = expected.filter { seen[$0.key, default: 0] < $0.value }
            if missing.isEmpty { break }
            if listed.count >= Self.messagesLimit {
                // GET /messages lists the oldest first: on a stack this busy our newest messages are out of sight.
                throw ScenarioFailure("GET /messages already lists \(listed.count) older messages, so this run's cannot be seen; "
                                      + "run the scenario on a fresh stack or with --messages-timeout 0")
            }
            guard ContinuousClock.now < deadline else {
                let first = missing.keys.first.map { "to \($0.to): \($0.msg.debugDescription)" } ?? ""
                throw ScenarioFailure("GET /messages: \(missing.values.reduce(0, +)) of \(total) messages still missing after \(timeout), e.g. \(first)")
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        print("    all \(total) messages sent, each once")
    }
}

/// A message by what a user sees: recipient and text.
struct SentMessage: Hashable {
    var to: String
    var msg: String
}

/// One entry of `GET /messages`.
struct ListedMessage: Decodable {
    var to: String
    var msg: String
    var key: String
}
