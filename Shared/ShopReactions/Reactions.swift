import Logging
import ShopDomain
import ShopEventStore
import ShopService

/// What a reacting service is made of: a consumer group named after the service on the streams it follows, a
/// function from an event to the message it causes, and the sender that hands the message to msg-service.
///
/// The message's key names the event, so a redelivery (restart, claim after a crash) sends nothing twice.
public struct Reactions: Sendable {
    /// Entities as they last were, for the texts.
    public let lookup: EntityLookup
    /// The way to msg-service.
    public let sender: MessageSender
    let runtime: ServiceRuntime

    /// The reactions of `runtime`'s service, reading entities from `store`.
    public init(runtime: ServiceRuntime, store: EventStore) {
        self.runtime = runtime
        self.lookup = EntityLookup(store: store)
        self.sender = MessageSender(runtime: runtime)
    }

    /// A member of the consumer group named after the service (`crm-service`) on `streams`: `message` decides what
    /// an event sends (nil: nothing); it is sent, then the entry acknowledged. Add it with `runtime.addService`.
    public func consumer(
        streams: [EventStreamID], message: @escaping @Sendable (StoredEvent) async throws -> EmailMessage?
    ) -> EventConsumer {
        let config = runtime.config
        let configuration = ConsumerConfiguration(claimIdle: config.consumerClaimIdle, maxDeliveries: config.consumerMaxDeliveries)
        let sender = self.sender
        let logger = runtime.logger
        return EventConsumer(redis: runtime.redis, group: config.name, streams: streams, configuration: configuration,
                             logger: logger) { event in
            try await Self.retryingWhileUnavailable(event, logger: logger) {
                guard let email = try await message(event) else { return }
                try await sender.send(email, logger: logger)
                logger.info("message sent", metadata: [
                    "event.id": "\(event.eventID)", "event.topic": "\(event.topic.rawValue)",
                    "event.action": "\(event.action.rawValue)", "message.key": "\(email.key)",
                ])
            }
        }
    }

    /// The customer and the products (one per id, repeats included) of `order`, as they last were.
    public func parties(of order: Order) async throws -> (customer: Customer, products: [Product]) {
        async let customer = lookup.lastKnown(Customer.self, id: order.customerID)
        async let products = lookup.lastKnown(Product.self, ids: order.productIDs)
        return try await (customer, products)
    }
}
