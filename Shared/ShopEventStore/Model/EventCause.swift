/// Why events are being written: the correlation id shared by everything one request set off, the causation id of
/// the request or event that caused them, and the W3C `traceparent` of the writing span (empty when no tracer records).
///
/// Bound to the task that handles a command or a reaction (`EventCause.$current.withValue(…)`), so every event the
/// task appends carries it, also those written by helpers that never see the request (stock reservations).
public struct EventCause: Sendable, Equatable {
    /// Shared by every event and message one request set off (the trace id of its `traceparent`).
    public var correlationID: String
    /// The request id of a command, or the event id of the event a reaction handled.
    public var causationID: String
    /// The writing span's `traceparent`, so a reaction's span can link to it; empty when no tracer records spans.
    public var traceParent: String

    /// A cause from its parts.
    public init(correlationID: String, causationID: String, traceParent: String = "") {
        self.correlationID = correlationID
        self.causationID = causationID
        self.traceParent = traceParent
    }

    /// What a reaction to `event` causes: the same correlation, caused by the event.
    public init(reactingTo event: StoredEvent, traceParent: String = "") {
        self.init(correlationID: event.correlationID, causationID: event.eventID, traceParent: traceParent)
    }

    /// The cause of the events the current task writes; nil outside a command or a reaction.
    @TaskLocal public static var current: EventCause?
}
