#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import NIOCore
import NIOPosix
import Prometheus
import ServiceLifecycle
import ShopDomain
import ShopHTTP
import ShopRedis
import Synchronization

/// What every OrderShop executable shares: logging, metrics, the Redis client, the HTTP server with `/health`,
/// `/ready` and `/metrics`, clients for the other services, and graceful shutdown on SIGTERM/SIGINT.
///
/// `main` and tests build it the same way: `ServiceRuntime(config:)`, `register(routes:)`, then `run()`
/// (tests with `PORT=0`, reading the bound port from `localPort()`).
public final class ServiceRuntime: Sendable {
    /// The configuration the runtime was built from.
    public let config: ServiceConfig
    /// The service's root logger (label = executable name); pass it to everything the service builds.
    public let logger: Logger
    /// The pooled Redis client; `run()` runs it as the first service of the group.
    public let redis: RedisClient
    /// The event loops of the server, the Redis client and the service clients (`EVENT_LOOP_THREADS` of them
    /// by default, shared by every runtime of the process that asks for as many).
    public let eventLoopGroup: any EventLoopGroup

    /// How long one readiness check may take before `/ready` answers 503.
    public static let readinessTimeout: Duration = .seconds(2)

    private struct State {
        var router = Router()
        var checks: [ReadinessCheck] = []
        var services: [any Service] = []
        var clients: [ServiceName: HTTPClient] = [:]
        var server: HTTPServer?
        var serverWaiters: [CheckedContinuation<HTTPServer, Never>] = []
        var started = false
    }

    private let state = Mutex(State())
    private let registry: PrometheusCollectorRegistry
    private let requestMetrics = RequestMetrics()

    /// Bootstraps logging and metrics (once per process), creates the Redis client and the built-in routes.
    public init(config: ServiceConfig, eventLoopGroup: (any EventLoopGroup)? = nil) {
        self.config = config
        _ = ProcessMetrics.startTime
        let eventLoopGroup = eventLoopGroup ?? Self.sharedGroup(threads: config.eventLoopThreads)
        self.eventLoopGroup = eventLoopGroup
        self.registry = RuntimeBootstrap.bootstrap(logLevel: config.logLevel)
        var logger = Logger(label: config.name)
        logger.logLevel = config.logLevel
        self.logger = logger
        let redis = RedisClient(configuration: config.redis, eventLoopGroup: eventLoopGroup, logger: logger)
        self.redis = redis
        addReadinessCheck(name: "redis") { try await redis.ping() }
        register(routes: builtInRoutes)
        if let tracing = TracingBootstrap.bootstrap(config: config, logger: logger) { addService(tracing) }
    }

    /// Adds the service's routes to the HTTP server; call before `run()`.
    public func register(routes: (inout Router) throws -> Void) rethrows {
        try state.withLock { state in try routes(&state.router) }
    }

    /// The routes registered so far (the built-in ones included), method and path pattern.
    public var registeredRoutes: [(method: HTTPMethod, path: String)] {
        state.withLock { $0.router.registeredRoutes }
    }

    /// Adds a check that `/ready` runs (Redis is checked by default); call before `run()`.
    public func addReadinessCheck(name: String, _ check: @escaping @Sendable () async throws -> Void) {
        state.withLock { $0.checks.append(ReadinessCheck(name: name, check)) }
    }

    /// Adds a long-lived component (a consumer, an archiver) that runs between Redis and the HTTP server:
    /// started after the Redis client, stopped after the server stopped taking requests.
    public func addService(_ service: any Service) {
        state.withLock { $0.services.append(service) }
    }

    /// The keep-alive client for calls to `service`, one per upstream (taking turns over its instances when
    /// `<NAME>_URL` names several), shut down when `run()` returns.
    /// `client(for:)` at start, when the service cannot work without it: a bad URL stops the process (status 78).
    public func requiredClient(for service: ServiceName) -> HTTPClient {
        do {
            return try client(for: service)
        } catch {
            logger.critical("cannot create the upstream client", metadata: ["http.upstream": "\(service.executable)", "error.message": "\(error)"])
            exit(78)
        }
    }

    public func client(for service: ServiceName) throws -> HTTPClient {
        try state.withLock { state in
            if let client = state.clients[service] { return client }
            var logger = self.logger
            logger[metadataKey: "http.upstream"] = "\(service.executable)"
            let client = try HTTPClient(
                baseURLs: config.urls(of: service), configuration: HTTPClientConfiguration(),
                eventLoopGroup: eventLoopGroup, logger: logger)
            state.clients[service] = client
            return client
        }
    }

    /// The port the HTTP server is bound to: waits until `run()` has bound it (tests run on port 0), so call it
    /// only while `run()` runs; a failed bind is thrown.
    public func localPort() async throws -> Int {
        let server = await withCheckedContinuation { continuation in
            let ready: HTTPServer? = state.withLock { state in
                if let server = state.server { return server }
                state.serverWaiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
        return try await server.localPort()
    }

    /// Runs Redis client, added services and HTTP server in a `ServiceGroup` until SIGTERM/SIGINT (graceful
    /// shutdown: the server stops first, Redis last) or cancellation of the calling task.
    public func run() async throws {
        let (server, services) = try startServer()
        var configuration = ServiceGroupConfiguration(
            services: [redis] + services + [server], gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [], logger: logger)
        // Beyond the server's own grace period, a component that does not stop is cancelled.
        configuration.maximumGracefulShutdownDuration = config.http.shutdownGracePeriod + .seconds(10)
        let group = ServiceGroup(configuration: configuration)
        logger.info("starting", metadata: ["http.host": "\(config.http.host)", "http.port": "\(config.http.port)"])
        // The components (consumers, archiver) run on an event loop too, like every request's handler: their
        // Redis replies and their own code then share a thread instead of waking the cooperative pool.
        let executor = EventLoopTaskExecutor(eventLoopGroup.next())
        do {
            try await withTaskExecutorPreference(executor) { try await group.run() }
        } catch {
            await shutDownClients()
            throw error
        }
        await shutDownClients()
        logger.info("stopped")
    }

    private func startServer() throws -> (HTTPServer, [any Service]) {
        let metrics = requestMetrics
        let (server, services, waiters) = try state.withLock { state in
            guard !state.started else { throw ServiceError(.misuse, "ServiceRuntime.run() called twice") }
            state.started = true
            let server = HTTPServer(
                configuration: config.http, router: state.router, eventLoopGroup: eventLoopGroup, logger: logger,
                onRequestCompleted: { metrics.record($0) })
            state.server = server
            let waiters = state.serverWaiters
            state.serverWaiters = []
            return (server, state.services, waiters)
        }
        for waiter in waiters { waiter.resume(returning: server) }
        return (server, services)
    }

    private func shutDownClients() async {
        let clients = state.withLock { Array($0.clients.values) }
        for client in clients { await client.shutdown() }
    }

    private static let sharedGroups = Mutex<[Int: MultiThreadedEventLoopGroup]>([:])

    /// A process-wide group of `threads` event loops, created on first use and never shut down (like NIO's singleton).
    static func sharedGroup(threads: Int) -> MultiThreadedEventLoopGroup {
        sharedGroups.withLock { groups in
            if let group = groups[threads] { return group }
            let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
            groups[threads] = group
            return group
        }
    }

    /// The readiness checks registered so far, for `/ready`.
    var readinessChecks: [ReadinessCheck] { state.withLock { $0.checks } }

    /// The Prometheus text of every metric of this process.
    func metricsText() -> [UInt8] { registry.emitToBuffer() + Array(ProcessMetrics.text().utf8) }
}

extension ServiceRuntime {
    /// For `main`: runs until shutdown, then ends the process, with status 0 after a graceful stop and 1
    /// (the error logged) when a component failed.
    public func runUntilStopped() async -> Never {
        do {
            try await run()
            exit(0)
        } catch {
            logger.critical("stopped on an error", metadata: ["error.message": "\(error)"])
            exit(1)
        }
    }
}
