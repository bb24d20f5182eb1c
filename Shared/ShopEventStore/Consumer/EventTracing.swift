import ShopTracing
import Tracing

/// The spans of consumers: a reaction to an event runs in a consumer span that continues the trace that wrote the
/// event and links to the writing span (from the entry's `traceparent`), with the event bound as the cause of what
/// it writes. Without a recording tracer only the cause is bound.
public enum EventTracing {
    /// Runs `body`, the handling of `event` by `group`, in its span and with `EventCause(reactingTo: event)` bound.
    public static func reacting<T>(to event: StoredEvent, group: String, _ body: () async throws -> T) async throws -> T {
        guard TraceParent.isTracing else {
            return try await EventCause.$current.withValue(EventCause(reactingTo: event), operation: body)
        }
        let writer = TraceParent.context(of: event.traceParent)
        return try await withSpan("\(group) \(event.topic.rawValue)_\(event.action.rawValue)", context: writer ?? .topLevel,
                                  ofKind: .consumer) { span in
            if let writer { span.addLink(SpanLink(context: writer, attributes: [:])) }
            span.attributes["messaging.consumer.group.name"] = group
            span.attributes["event.id"] = event.eventID
            span.attributes["event.correlation_id"] = event.correlationID
            let cause = EventCause(reactingTo: event, traceParent: TraceParent.of(span.context)?.description ?? "")
            return try await EventCause.$current.withValue(cause, operation: body)
        }
    }

    /// Runs `body` (sending what reactions to `events` caused, together) in a producer span that continues the trace
    /// of the first event and links to every event's writing span.
    public static func sending<T>(for events: [StoredEvent], _ body: () async throws -> T) async throws -> T {
        guard TraceParent.isTracing, let first = events.first else { return try await body() }
        return try await withSpan("send messages", context: TraceParent.context(of: first.traceParent) ?? .topLevel,
                                  ofKind: .producer) { span in
            for event in events {
                if let writer = TraceParent.context(of: event.traceParent) { span.addLink(SpanLink(context: writer, attributes: [:])) }
            }
            span.attributes["messaging.batch.message_count"] = events.count
            return try await body()
        }
    }
}
