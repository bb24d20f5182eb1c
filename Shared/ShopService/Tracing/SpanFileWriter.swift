import Foundation
import InMemoryTracing
import Logging
import ServiceLifecycle
import Tracing

/// Appends the spans a `RecordingTracer` finished to a file, one JSON object a line
/// (`{"service","name","kind","trace_id","span_id","parent_id","links":[{"trace_id","span_id"}]}`), every 100 ms and
/// at shutdown: how tests see the spans of processes they started.
struct SpanFileWriter: Service {
    let tracer: RecordingTracer
    let path: String
    let service: String
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(100))
                appendFinishedSpans()
            }
        }
        appendFinishedSpans()
    }

    private func appendFinishedSpans() {
        let spans = tracer.memory.popFinishedSpans()
        guard !spans.isEmpty else { return }
        var text = ""
        for span in spans {
            let links = span.links.compactMap { $0.context.inMemorySpanContext }.map { ["trace_id": $0.traceID, "span_id": $0.spanID] }
            let line: [String: Any] = [
                "service": service, "name": span.operationName, "kind": "\(span.kind)",
                "trace_id": span.traceID, "span_id": span.spanID, "parent_id": span.parentSpanID ?? NSNull(), "links": links,
            ]
            if let data = try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]) {
                text += String(decoding: data, as: UTF8.self) + "\n"
            }
        }
        // O_APPEND: several instances of one service (make test's cluster pass) share the file; each write lands
        // whole at its end (seek-then-write let one process overwrite the other's lines).
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard descriptor >= 0 else {
            logger.warning("cannot write spans", metadata: ["file": "\(path)"])
            return
        }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written != bytes.count {
            logger.warning("spans written in part", metadata: ["file": "\(path)"])
        }
    }
}
