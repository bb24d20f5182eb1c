import Logging
import ShopEventStore
import ShopRedis
import ShopTestSupport

/// A private Redis, a running client and a store on it, for the body of one test. With `SHOP_TEST_REDIS=cluster`
/// in the environment the Redis is a private 3-primary Redis Cluster instead (`make test` runs the suite both ways).
struct StoreHarness {
    let client: RedisClient
    let store: EventStore
    let logger: Logger

    static let logger: Logger = {
        var logger = Logger(label: "test.eventstore")
        logger.logLevel = .critical
        return logger
    }()

    /// Starts a server and a client, runs `body`, and stops both whatever happens.
    static func run<T: Sendable>(compressionThreshold: Int = 1024,
                                 _ body: @Sendable (StoreHarness) async throws -> T) async throws -> T {
        let redis = try await TestRedis.start()
        defer { redis.stop() }
        var configuration = try RedisConfiguration(url: redis.url)
        configuration.poolSize = 4
        configuration.commandTimeout = .seconds(120)   // a loaded 2-core machine runs debug builds slowly
        let client = RedisClient(configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            do {
                try await client.ping()
                let harness = StoreHarness(client: client,
                                           store: EventStore(redis: client, logger: logger, compressionThreshold: compressionThreshold),
                                           logger: logger)
                let result = try await body(harness)
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    /// Polls `condition` until it holds or `timeout` passes (generous: the machine is loaded).
    static func eventually(timeout: Duration = .seconds(30), _ condition: @Sendable () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }
}
