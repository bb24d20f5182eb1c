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
}
