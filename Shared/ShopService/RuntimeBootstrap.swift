import Logging
import Metrics
import Prometheus
import Synchronization

/// Bootstraps the process-wide logging and metrics systems exactly once, however many runtimes a process builds
/// (tests build many; swift-log and swift-metrics trap on a second bootstrap).
enum RuntimeBootstrap {
    private static let registry = Mutex<PrometheusCollectorRegistry?>(nil)

    /// Bootstraps on the first call (logging at `logLevel` to standard error, metrics into a Prometheus registry)
    /// and returns the registry `/metrics` exports; later calls only return it.
    static func bootstrap(logLevel: Logger.Level) -> PrometheusCollectorRegistry {
        registry.withLock { registry in
            if let registry { return registry }
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = logLevel
                return handler
            }
            let created = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: created))
            registry = created
            return created
        }
    }
}
