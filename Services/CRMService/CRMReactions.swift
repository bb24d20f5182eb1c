import ShopDomain
import ShopEventStore
import ShopReactions

/// crm-service's reactions: a welcome on `customer_created`, a goodbye on `customer_deleted`, an order
/// confirmation naming the products on `order_created`, each sent once per event.
struct CRMReactions: Sendable {
    let reactions: Reactions

    /// The streams the `crm-service` group follows.
    static let streams = [
        EventStreamID(.customer, .created), EventStreamID(.customer, .deleted), EventStreamID(.order, .created),
    ]

    /// The consumer to add to the runtime.
    func makeConsumer() -> EventConsumer {
        reactions.consumer(streams: Self.streams) { event in try await message(for: event) }
    }

    /// The message `event` causes, nil for events crm-service does not answer.
    func message(for event: StoredEvent) async throws -> EmailMessage? {
        switch (event.topic, event.action) {
        case (.customer, .created):
            let customer = try event.decode(Customer.self)
            return EmailMessage(to: customer.email, msg: Messages.welcome(customer), key: MessageKind.welcome.key(for: event.eventID))
        case (.customer, .deleted):
            let customer = try event.decode(Customer.self)
            return EmailMessage(to: customer.email, msg: Messages.goodbye(customer), key: MessageKind.goodbye.key(for: event.eventID))
        case (.order, .created):
            let (customer, products) = try await reactions.parties(of: try event.decode(Order.self))
            return EmailMessage(to: customer.email, msg: Messages.orderConfirmation(customer, products: products),
                                key: MessageKind.orderConfirmation.key(for: event.eventID))
        default:
            return nil
        }
    }
}
