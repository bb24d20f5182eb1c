/// How one request ended, as the summary counts it.
public enum RequestOutcome: String, Sendable, Codable {
    /// A 2xx answer.
    case ok
    /// An expected refusal (an order beyond the stock: 409).
    case refused
    /// Any other status, or no answer at all.
    case failed
}
