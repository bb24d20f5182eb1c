import Tracing

/// Reads and writes trace context in a plain dictionary (a stored event's `traceparent`).
public struct DictionaryPropagation: Extractor, Injector {
    public init() {}

    public func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key]
    }

    public func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}

extension TraceParent {
    /// Whether a tracer that records spans is bootstrapped (without one, spans cost nothing and nothing is propagated
    /// but the request's own `traceparent`).
    public static var isTracing: Bool {
        !(InstrumentationSystem.tracer is NoOpTracer)
    }

    /// The `traceparent` of `context`'s span as the bootstrapped tracer writes it; nil without a recording tracer.
    public static func of(_ context: ServiceContext) -> TraceParent? {
        guard isTracing else { return nil }
        var carrier: [String: String] = [:]
        InstrumentationSystem.tracer.inject(context, into: &carrier, using: DictionaryPropagation())
        return carrier["traceparent"].flatMap { TraceParent($0) }
    }

    /// The `traceparent` of the current task's span; nil outside a span or without a recording tracer.
    public static var current: TraceParent? {
        ServiceContext.current.flatMap(of)
    }

    /// The context a stored `traceparent` names (to continue or link its trace); nil when empty or no tracer records.
    public static func context(of traceParent: String) -> ServiceContext? {
        guard isTracing, !traceParent.isEmpty else { return nil }
        var context = ServiceContext.topLevel
        InstrumentationSystem.tracer.extract(["traceparent": traceParent], into: &context, using: DictionaryPropagation())
        return context
    }
}
