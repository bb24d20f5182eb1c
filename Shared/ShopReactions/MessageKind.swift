/// The messages the shop sends on events; with the event id it makes the idempotency key of a message.
///
/// crm-service and billing-service both react to `order_created`, so the key holds the kind as well as the event
/// id: the payment request must not be taken for a repeat of the order confirmation.
public enum MessageKind: String, Sendable, CaseIterable {
    case welcome
    case goodbye
    case orderConfirmation = "order-confirmation"
    case paymentRequest = "payment-request"
    case paymentReceived = "payment-received"

    /// The idempotency key of this kind of message for one event, e.g. `3f25…:welcome`.
    public func key(for eventID: String) -> String {
        "\(eventID):\(rawValue)"
    }

    /// The kind of a message from its key; nil for a key of no kind the shop sends.
    public init?(key: String) {
        guard let suffix = key.split(separator: ":").last, let kind = MessageKind(rawValue: String(suffix)) else { return nil }
        self = kind
    }

    /// The service that sends this kind of message.
    public var sender: String {
        switch self {
        case .welcome, .goodbye, .orderConfirmation: "crm-service"
        case .paymentRequest, .paymentReceived: "billing-service"
        }
    }
}
