import ServiceLifecycle
import ShopDomain
import ShopEventStore
import ShopReactions

/// billing-service's reactions: a payment request on `order_created` and a thank-you on `billing_created`,
/// each sent once per event by the `billing-service` consumer group.
enum BillingReactions {
    /// The streams the `billing-service` group follows.
    static let streams = [EventStreamID(.order, .created), EventStreamID(.billing, .created)]

    /// The consumer to add to the runtime: `runtime.addService(BillingReactions.makeConsumer(reactions:))`.
    static func makeConsumer(reactions: Reactions) -> some Service {
        reactions.consumer(streams: streams) { event in try await message(for: event, reactions: reactions) }
    }

    /// The message `event` causes, nil for events billing-service does not answer.
    static func message(for event: StoredEvent, reactions: Reactions) async throws -> EmailMessage? {
        switch (event.topic, event.action) {
        case (.order, .created):
            let (customer, products) = try await reactions.parties(of: try event.decode(Order.self))
            return EmailMessage(to: customer.email, msg: Messages.paymentRequest(customer, products: products),
                                key: MessageKind.paymentRequest.key(for: event.eventID))
        case (.billing, .created):
            let billing = try event.decode(Billing.self)
            let order = try await reactions.lookup.lastKnown(Order.self, id: billing.orderID)
            let (customer, products) = try await reactions.parties(of: order)
            return EmailMessage(to: customer.email, msg: Messages.paymentReceived(customer, products: products),
                                key: MessageKind.paymentReceived.key(for: event.eventID))
        default:
            return nil
        }
    }
}
