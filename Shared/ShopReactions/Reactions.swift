import Logging
import ShopDomain
import ShopEventStore
import ShopHTTP
import ShopRedis
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
    /// The consumer group (the service's name) and its settings.
    let group: String
    let configuration: ConsumerConfiguration
    let redis: RedisClient
    let logger: Logger

    /// The reactions of the service `config` describes: entities read from `store`, consumers reading through
    /// `redis`, messages sent with `messages` (the client of msg-service).
    public init(config: ServiceConfig, redis: RedisClient, store: EventStore, messages: HTTPClient, logger: Logger) {
        self.group = config.name
        self.configuration = ConsumerConfiguration(claimIdle: config.consumerClaimIdle, maxDeliveries: config.consumerMaxDeliveries,
                                                   linger: config.consumerLinger, forgetIdle: config.consumerForgetIdle)
        self.redis = redis
        self.logger = logger
        self.lookup = EntityLookup(store: store)
        self.sender = MessageSender(client: messages)
    }

    /// A member of the consumer group named after the service (`crm-service`) on `streams`: `message` decides what
    /// an event sends (nil: nothing); the entries are acknowledged once their messages are recorded. Add it with
    /// `runtime.addService`.
    ///
    /// Each read is handled as a batch: the messages of its events are worked out concurrently (their lookups only
    /// read, so Redis gets them pipelined), then handed to msg-service in one request, in event order.
    public func consumer(
        streams: [EventStreamID], message: @escaping @Sendable (StoredEvent) async throws -> EmailMessage?
    ) -> EventConsumer {
        let sender = self.sender
        let logger = self.logger
        return EventConsumer(redis: redis, group: group, streams: streams, configuration: configuration,
                             logger: logger) { events in
            try await Self.react(to: events, message: message, sender: sender, consumerGroup: group, logger: logger)
        }
    }

    /// The batch handler: the messages of `events` (each retried while Redis is away), then one send of them all.
    static func react(
        to events: [StoredEvent], message: @escaping @Sendable (StoredEvent) async throws -> EmailMessage?,
        sender: MessageSender, consumerGroup: String, logger: Logger
    ) async throws -> [EventConsumer.BatchResult] {
        let messages = await withTaskGroup(of: (Int, Result<EmailMessage?, any Error>).self) { group in
            for (index, event) in events.enumerated() {
                group.addTask {
                    do {
                        var email: EmailMessage?
                        // In the event's trace; what the reaction writes carries its correlation and names it as cause.
                        try await EventTracing.reacting(to: event, group: consumerGroup) {
                            try await retryingWhileUnavailable(event, logger: logger) { email = try await message(event) }
                        }
                        return (index, .success(email.map { $0.caused(correlationID: event.correlationID, causationID: event.eventID) }))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var results = [Result<EmailMessage?, any Error>](repeating: .success(nil), count: events.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
        if messages.contains(where: { if case .failure(let error) = $0 { error is CancellationError } else { false } }) {
            throw CancellationError()
        }
        let outgoing = messages.enumerated().compactMap { index, result in
            (try? result.get()).flatMap { $0 }.map { (index: index, email: $0) }
        }
        var sent = [Result<Void, any Error>](repeating: .success(()), count: events.count)
        if !outgoing.isEmpty {
            let batch = outgoing.map(\.email)
            do {
                try await EventTracing.sending(for: outgoing.map { events[$0.index] }) {
                    try await retryingWhileUnavailable(events[outgoing[0].index], logger: logger) {
                        try await sender.send(batch, logger: logger)
                    }
                }
            } catch let error as ReactionError where outgoing.count == 1 {
                sent[outgoing[0].index] = .failure(error)
            } catch let error as ReactionError {
                // msg-service refused the batch: send each alone, so only the message it refuses fails.
                logger.warning("msg-service refused a batch; sending its messages one by one", metadata: ["error.message": "\(error)"])
                for (index, email) in outgoing {
                    do {
                        try await retryingWhileUnavailable(events[index], logger: logger) { try await sender.send([email], logger: logger) }
                    } catch {
                        if error is CancellationError { throw error }
                        sent[index] = .failure(error)
                    }
                }
            }
        }
        return events.indices.map { index in
            switch (messages[index], sent[index]) {
            case (.failure(let error), _), (_, .failure(let error)):
                return .failed(error)
            case (.success(let email), .success):
                if let email {
                    logger.info("message sent", metadata: [
                        "event.id": "\(events[index].eventID)", "event.topic": "\(events[index].topic.rawValue)",
                        "event.action": "\(events[index].action.rawValue)", "message.key": "\(email.key)",
                    ])
                }
                return .handled
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
