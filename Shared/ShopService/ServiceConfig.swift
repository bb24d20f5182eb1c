#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging
import ShopBasics
import ShopDomain
import ShopHTTP
import ShopRedis

/// Everything a service reads from its environment, parsed and checked in this one place.
public struct ServiceConfig: Sendable {
    /// The executable's name, e.g. `order-service`; the logger's label.
    public var name: String
    /// Where the HTTP server listens (`HOST`, `PORT`) and its limits (`HTTP_*`).
    public var http: HTTPServerConfiguration
    /// `LOG_LEVEL`: trace, debug, info (default), notice, warning, error, critical.
    public var logLevel: Logger.Level
    /// `REDIS_URL`, default `redis://127.0.0.1:6379`; two or more `host:port` (comma-separated) name a Redis Cluster.
    /// `REDIS_MIN_REPLICAS` (replicas a write must reach, `WAIT`; unset: 1 on a cluster slot whose primary has a
    /// replica, 0 otherwise) and `REDIS_WAIT_TIMEOUT_MS` (how long a write waits for them, default 1000) go here too.
    public var redis: RedisConfiguration
    /// `DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/ordershop`.
    public var databaseURL: String
    /// `<NAME>_URL` of every service (`CUSTOMER_SERVICE_URL`, …, `GATEWAY_API_URL`), default `http://127.0.0.1:500N`:
    /// the first instance's when the variable names several.
    public var serviceURLs: [ServiceName: String]
    /// Every instance of every service: `<NAME>_URL` may name several, separated by commas
    /// (`ORDER_SERVICE_URL=http://127.0.0.1:5104,http://127.0.0.1:5204`); the clients of this process take turns.
    public var serviceInstanceURLs: [ServiceName: [String]] = [:]
    /// `EVENT_COMPRESSION_THRESHOLD`: entity JSON larger than this many bytes is stored gzip-compressed (default 1024).
    public var eventCompressionThreshold: Int
    /// `CONSUMER_CLAIM_IDLE_MS`: a pending entry idle this long is claimed from its dead consumer (default 30 s).
    public var consumerClaimIdle: Duration
    /// `CONSUMER_MAX_DELIVERIES`: after this many deliveries an entry goes to the dead letters (default 5).
    public var consumerMaxDeliveries: Int
    /// `CONSUMER_LINGER_MS`: after a partial batch a consumer waits this long before reading again, so a steady
    /// stream is read in batches (default 20 ms; 0: read again at once).
    public var consumerLinger: Duration = .milliseconds(20)
    /// `EVENT_RETENTION_SECONDS`: archived entries younger than this stay in Redis (default 3600).
    public var eventRetention: Duration
    /// `RESERVATION_GRACE_MS`: a stock reservation whose order is still missing after this long is released (default 60 s).
    public var reservationGrace: Duration
    /// `EVENT_LOOP_THREADS`: the event loops of the service (default 1). Nine services share a few cores, so one
    /// loop per process runs each request and its Redis calls on one thread, with no wake-ups between threads.
    public var eventLoopThreads: Int = 1
    /// `CONSUMER_FORGET_IDLE_MS`: a consumer of a group that holds no pending entry and has been idle this long is
    /// removed from the group (one left behind by a stopped or killed process; default 10 minutes).
    public var consumerForgetIdle: Duration = .seconds(600)
    /// `ADMIN_TOKEN`: the bearer token that admin actions (replaying and deleting dead letters) require; nil when
    /// unset or empty, and then those actions are refused (403).
    public var adminToken: String?
    /// `TRACE_SPANS_FILE`: record spans in memory and append them to this file as JSON lines (tests), `{service}` in it
    /// replaced by the service's name; nil: off.
    public var traceSpansFile: String?
    /// The standard `OTEL_*` variables: span export (OTLP/HTTP) in a build with the `OTel` trait (`make up OTEL=1`).
    public var otel = OTelSettings(variables: [:])

    /// The configuration of `name` from this process's environment; on a bad value prints why and exits with status 78.
    public static func fromEnvironment(name: String, defaultPort: Int) -> ServiceConfig {
        do {
            return try parse(environment: ProcessInfo.processInfo.environment, name: name, defaultPort: defaultPort)
        } catch {
            stop(name, "\(error.message)")
        }
    }

    /// A setting read here that a library turns into its own configuration (`DATABASE_URL` into ShopPostgres's):
    /// `parse` runs at start, and a value it refuses stops the process like any bad setting (status 78).
    public func setting<T>(_ variable: String, _ value: String, _ parse: (String) throws -> T) -> T {
        do {
            return try parse(value)
        } catch {
            Self.stop(name, "\(variable): \(error)")
        }
    }

    private static func stop(_ name: String, _ message: String) -> Never {
        FileHandle.standardError.write(Data("\(name): configuration error: \(message)\n".utf8))
        exit(78)  // EX_CONFIG: a supervisor must not restart in a loop hoping it goes away
    }

    /// Parses a configuration out of `environment`: a pure function, so every rule is unit-tested.
    public static func parse(
        environment: [String: String], name: String, defaultPort: Int
    ) throws(ServiceError) -> ServiceConfig {
        let env = EnvironmentReader(environment: environment)
        var http = HTTPServerConfiguration()
        http.host = env.string("HOST", default: "127.0.0.1")
        http.port = try env.integer("PORT", default: defaultPort, in: 0...65535)
        http.maxBodySize = try env.integer("HTTP_MAX_BODY_BYTES", default: http.maxBodySize, in: 1...(1 << 30))
        http.maxHeaderSize = try env.integer("HTTP_MAX_HEADER_BYTES", default: http.maxHeaderSize, in: 1024...(1 << 20))
        http.maxConnections = try env.integer("HTTP_MAX_CONNECTIONS", default: http.maxConnections, in: 1...1_000_000)
        http.headerReadTimeout = try env.milliseconds(
            "HTTP_HEADER_TIMEOUT_MS", default: Int(http.headerReadTimeout.milliseconds()), in: 1...3_600_000)
        http.idleTimeout = try env.milliseconds(
            "HTTP_IDLE_TIMEOUT_MS", default: Int(http.idleTimeout.milliseconds()), in: 1...86_400_000)
        http.shutdownGracePeriod = try env.milliseconds(
            "HTTP_SHUTDOWN_GRACE_MS", default: Int(http.shutdownGracePeriod.milliseconds()), in: 0...600_000)

        let redisURL = env.string("REDIS_URL", default: "redis://127.0.0.1:6379")
        var redis: RedisConfiguration
        do {
            redis = try RedisConfiguration(url: redisURL)
        } catch {
            throw ServiceError(
                .invalidConfiguration, variable: "REDIS_URL",
                "REDIS_URL must be a redis://[user:password@]host:port/db URL (or redis://[user:password@]host:port,host:port… "
                + "naming a cluster's seed nodes), got \"\(redactingPassword(redisURL))\" (\(error))")
        }
        redis.clientName = redis.clientName ?? name  // CLIENT LIST shows which service holds a connection
        if env.raw("REDIS_MIN_REPLICAS") != nil {
            redis.minReplicas = try env.integer("REDIS_MIN_REPLICAS", default: 0, in: 0...16)
        }
        redis.replicaWaitTimeout = .milliseconds(Int64(try env.integer("REDIS_WAIT_TIMEOUT_MS", default: 1000, in: 1...60_000)))

        let instanceURLs = try serviceInstanceURLs(environment: environment)
        return ServiceConfig(
            name: name,
            http: http,
            logLevel: try env.logLevel("LOG_LEVEL", default: .info),
            redis: redis,
            databaseURL: try env.postgresURL("DATABASE_URL", default: "postgres://postgres@127.0.0.1:5432/ordershop"),
            serviceURLs: instanceURLs.compactMapValues(\.first),
            serviceInstanceURLs: instanceURLs,
            eventCompressionThreshold: try env.integer("EVENT_COMPRESSION_THRESHOLD", default: 1024, in: 0...(1 << 30)),
            consumerClaimIdle: try env.milliseconds("CONSUMER_CLAIM_IDLE_MS", default: 30_000, in: 1...86_400_000),
            consumerMaxDeliveries: try env.integer("CONSUMER_MAX_DELIVERIES", default: 5, in: 1...1_000_000),
            consumerLinger: try env.milliseconds("CONSUMER_LINGER_MS", default: 20, in: 0...10_000),
            eventRetention: .seconds(try env.integer("EVENT_RETENTION_SECONDS", default: 3600, in: 0...(10 * 365 * 86_400))),
            reservationGrace: try env.milliseconds("RESERVATION_GRACE_MS", default: 60_000, in: 100...86_400_000),
            eventLoopThreads: try env.integer("EVENT_LOOP_THREADS", default: 1, in: 1...256),
            consumerForgetIdle: try env.milliseconds("CONSUMER_FORGET_IDLE_MS", default: 600_000, in: 1_000...86_400_000),
            adminToken: try adminToken(environment["ADMIN_TOKEN"]),
            traceSpansFile: environment["TRACE_SPANS_FILE"].flatMap { $0.isEmpty ? nil : $0.replacingOccurrences(of: "{service}", with: name) },
            otel: OTelSettings(variables: environment.filter { $0.key.hasPrefix("OTEL_") })
        )
    }

    /// `ADMIN_TOKEN`: nil when unset or empty; otherwise printable ASCII without spaces (it travels in a header).
    static func adminToken(_ value: String?) throws(ServiceError) -> String? {
        guard let value, !value.isEmpty else { return nil }
        guard value.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw ServiceError(.invalidConfiguration, variable: "ADMIN_TOKEN",
                               "ADMIN_TOKEN must be printable ASCII without spaces (it is sent as a bearer token)")
        }
        return value
    }

    /// The `<NAME>_URL` of every service in `environment`, with the local defaults (the first instance of those
    /// that name several).
    public static func serviceURLs(environment: [String: String]) throws(ServiceError) -> [ServiceName: String] {
        try serviceInstanceURLs(environment: environment).compactMapValues(\.first)
    }

    /// Every instance of every service as `<NAME>_URL` names them (comma-separated), with the local defaults.
    public static func serviceInstanceURLs(environment: [String: String]) throws(ServiceError) -> [ServiceName: [String]] {
        do { return try ServiceName.instanceURLs(environment: environment) } catch { throw ServiceError(error) }
    }

    /// The URL of `service` (an `http://host:port` base URL; the first instance's).
    public func url(of service: ServiceName) -> String {
        serviceURLs[service] ?? service.defaultURL
    }

    /// The URLs of every instance of `service`.
    public func urls(of service: ServiceName) -> [String] {
        serviceInstanceURLs[service] ?? [url(of: service)]
    }

    /// A URL with its password replaced by `***`, safe to print in an error or a log line.
    static func redactingPassword(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://"), let at = url[schemeEnd.upperBound...].lastIndex(of: "@") else {
            return url
        }
        let userInfo = url[schemeEnd.upperBound..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}

/// The `OTEL_*` variables of the environment, as swift-otel reads them.
public struct OTelSettings: Sendable {
    /// Every `OTEL_` variable, passed on to swift-otel unchanged.
    public var variables: [String: String]

    /// Export is asked for by an OTLP endpoint or `OTEL_TRACES_EXPORTER=otlp`, unless `OTEL_SDK_DISABLED=true`
    /// or `OTEL_TRACES_EXPORTER=none`.
    public var wantsExport: Bool {
        if variables["OTEL_SDK_DISABLED"]?.lowercased() == "true" { return false }
        if let exporter = variables["OTEL_TRACES_EXPORTER"]?.lowercased(), !exporter.isEmpty { return exporter == "otlp" }
        return ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"].contains { !(variables[$0] ?? "").isEmpty }
    }
}
