import Foundation
import Logging
import NIOPosix
import ShopDomain
import ShopEventStore
import ShopHTTP
import ShopRedis
import ShopTestSupport

/// The gateway and the five owning services on a private Redis (a cluster with `SHOP_TEST_REDIS=cluster`), with a client for the public API and a store
/// on the same Redis to look behind the API (event counts, projections, verification).
struct ShopHarness: Sendable {
    let stack: ServiceStack
    /// The single redis-server of an `appendOnly` run (which tests restart); nil otherwise.
    let redisServer: RedisTestServer?
    /// The Redis Cluster of a `SHOP_TEST_REDIS=cluster` run (which failover tests kill a node of); nil otherwise.
    let cluster: RedisClusterTestServer?
    let api: HTTPClient
    let redis: RedisClient
    let store: EventStore

    /// All nine executables, as `make up` starts them.
    static let allExecutables = ["customer-service", "product-service", "inventory-service", "order-service", "billing-service",
                                 "crm-service", "msg-service", "archive-service", "gateway-api"]

    /// The gateway and the services that own entities.
    static let executables = ["customer-service", "product-service", "inventory-service", "order-service", "billing-service", "gateway-api"]

    static let logger: Logger = {
        var logger = Logger(label: "test.shop")
        logger.logLevel = .critical
        return logger
    }()

    /// Starts Redis (and, for archive-service, a database on the shared test PostgreSQL) and the stack, runs `body`, and stops everything whatever happens.
    static func run<T: Sendable>(
        executables: [String] = executables, environment: [String: String] = [:], appendOnly: Bool = false,
        _ body: @Sendable (ShopHarness) async throws -> T
    ) async throws -> T {
        let server = appendOnly ? try await RedisTestServer.start(.init(appendOnly: true)) : nil
        let shared = appendOnly ? nil : try await TestRedis.start()
        defer {
            server?.stop()
            shared?.stop()
        }
        let redisURL = server?.url ?? shared?.url ?? ""
        var environment = environment
        environment["REDIS_URL"] = redisURL
        // Nothing listens there unless the test starts archive-service: never someone else's local stack.
        if executables.contains("archive-service") {
            environment["DATABASE_URL"] = try await PostgresTestServer.shared().createDatabase(prefix: "shop")
        } else if environment["ARCHIVE_SERVICE_URL"] == nil {
            environment["ARCHIVE_SERVICE_URL"] = "http://127.0.0.1:\(try freePort())"
        }
        let client = RedisClient(configuration: try RedisConfiguration(url: redisURL), logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            defer { group.cancelAll() }
            return try await withServiceStack(executables, environment: environment) { stack in
                var configuration = HTTPClientConfiguration()
                configuration.requestTimeout = .seconds(30)
                configuration.maxConnectionsPerUpstream = 64
                // Every gateway instance in turn, as HAProxy would.
                let api = try HTTPClient(baseURLs: stack.urls(of: "gateway-api"), configuration: configuration, logger: logger)
                let harness = ShopHarness(stack: stack, redisServer: server, cluster: shared?.cluster, api: api, redis: client,
                                          store: EventStore(redis: client, logger: logger))
                do {
                    let result = try await body(harness)
                    await api.shutdown()
                    return result
                } catch {
                    await api.shutdown()
                    throw error
                }
            }
        }
    }

    /// One call of the public API.
    func call(_ method: HTTPMethod, _ path: String, _ body: String? = nil,
              headers: [(String, String)] = []) async throws -> Reply {
        try await call(method, path, bytes: body.map { Array($0.utf8) }, headers: headers)
    }

    /// One call with a body of exact bytes.
    func call(_ method: HTTPMethod, _ path: String, bytes: [UInt8]?, headers: [(String, String)] = []) async throws -> Reply {
        let response = try await api.execute(method, path, headers: HTTPHeaders(headers), body: bytes.map { ByteBuffer(bytes: $0) })
        return Reply(status: response.status.code, body: String(buffer: response.body), headers: response.headers)
    }

    /// POSTs `body`, expects 200, and returns the new ids.
    func create(_ path: String, _ body: String) async throws -> [String] {
        let reply = try await call(.POST, path, body)
        guard reply.status == 200, let ids = reply.json as? [String] else {
            throw TestSupportError("POST \(path) \(body): \(reply.status) \(reply.body)")
        }
        return ids
    }

    /// Every event appended so far: the sum of the lengths of all topics' streams.
    func eventCount() async throws -> Int {
        let streams = Topic.allCases.flatMap { TopicKeys($0).streams }
        let lengths = try await redis.pipeline(streams.map { ["XLEN", RESPArgument($0)] })
        return try lengths.reduce(0) { $0 + (try $1.get().int ?? 0) }
    }

    /// The stock of `productID` as the API lists it.
    func stock(of productID: String) async throws -> Int? {
        let reply = try await call(.GET, "/inventory")
        let entries = reply.json as? [[String: Any]] ?? []
        return entries.first { $0["product_id"] as? String == productID }?["amount"] as? Int
    }

    /// Polls `condition` until it holds or `timeout` passes (generous: the machine is loaded).
    static func eventually(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }
}

/// A status and body of the public API; `json` parses the body.
struct Reply: Sendable, CustomStringConvertible {
    let status: UInt
    let body: String
    var headers: HTTPHeaders = [:]

    var json: Any? {
        try? JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed])
    }

    var object: [String: Any]? { json as? [String: Any] }

    /// The `error` of a JSON error body.
    var error: String? { object?["error"] as? String }

    var description: String { "\(status) \(body.prefix(300))" }
}

