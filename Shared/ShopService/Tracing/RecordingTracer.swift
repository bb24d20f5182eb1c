import InMemoryTracing
import ShopTracing
import Tracing

/// swift-distributed-tracing's `InMemoryTracer`, propagating W3C `traceparent` (the in-memory tracer's own headers
/// are its private ones) and making W3C-shaped ids, so the spans of every service of one request share its trace id.
/// `TRACE_SPANS_FILE` turns it on (tests): `SpanFileWriter` writes the finished spans out.
struct RecordingTracer: Tracer {
    let memory = InMemoryTracer(
        idGenerator: .init(nextTraceID: { TraceParent.makeTraceID() }, nextSpanID: { TraceParent.makeSpanID() }),
        recordInjections: false, recordExtractions: false)

    func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> ServiceContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> InMemorySpan {
        memory.startSpan(operationName, context: context(), ofKind: kind, at: instant(), function: function, file: fileID, line: line)
    }

    func forceFlush() {
        memory.forceFlush()
    }

    func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        guard let parent = extractor.extract(key: "traceparent", from: carrier).flatMap({ TraceParent($0) }) else { return }
        context.inMemorySpanContext = InMemorySpanContext(traceID: parent.traceID, spanID: parent.parentID, parentSpanID: nil)
    }

    func inject<Carrier, Inject: Injector>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        guard let span = context.inMemorySpanContext else { return }
        injector.inject(TraceParent(traceID: span.traceID, parentID: span.spanID, flags: 1).description, forKey: "traceparent",
                        into: &carrier)
    }
}
