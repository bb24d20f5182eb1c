import Logging
import ServiceLifecycle
import Synchronization
import Tracing
#if OTel
import OTel
#endif

/// Bootstraps the process-wide tracer once: OpenTelemetry export (OTLP/HTTP, swift-otel) when the build has the
/// `OTel` trait and an `OTEL_*` variable asks for it; the in-memory recording tracer when `TRACE_SPANS_FILE` is set
/// (tests); otherwise none (spans cost one check). Returns the service that exports or writes the spans.
enum TracingBootstrap {
    private static let done = Mutex(false)

    static func bootstrap(config: ServiceConfig, logger: Logger) -> (any Service)? {
        done.withLock { done -> (any Service)? in
            guard !done else { return nil }
            done = true
            if config.otel.wantsExport {
                #if OTel
                do {
                    var configuration = OTel.Configuration.default
                    configuration.serviceName = config.name
                    configuration.logs.enabled = false
                    configuration.metrics.enabled = false
                    let service = try OTel.bootstrap(configuration: configuration, environment: config.otel.variables)
                    logger.info("tracing: exporting spans over OTLP/HTTP")
                    return service
                } catch {
                    logger.error("tracing: cannot start the OTLP exporter; spans are not exported", metadata: ["error.message": "\(error)"])
                }
                #else
                logger.warning("tracing: OTEL_* asks for export, but this build has no exporter (build with `make up OTEL=1`)")
                #endif
            }
            if let path = config.traceSpansFile {
                let tracer = RecordingTracer()
                InstrumentationSystem.bootstrap(tracer)
                return SpanFileWriter(tracer: tracer, path: path, service: config.name, logger: logger)
            }
            return nil
        }
    }
}
