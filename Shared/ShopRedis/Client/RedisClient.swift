import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The pooled Redis client: `poolSize` multiplexed connections for ordinary commands, dedicated connections
/// for blocking ones. It is a `Service`: `run()` connects, reconnects with backoff, and closes on shutdown.
///
/// With `clusterSeeds` in its configuration it is a Redis Cluster client: one such pool per primary, commands
/// routed by hash slot, `MOVED`/`ASK`/`TRYAGAIN`/`CLUSTERDOWN` followed, pipelines split by node, and a command
/// whose keys span slots refused with `.unroutable` before it is sent (see `Cluster/`).
///
/// Sending runs on the caller's executor (`nonisolated(nonsending)`); a caller whose task prefers the client's
/// event loop as its executor avoids any thread hop per command (how `bench-redis` runs).
/// Commands sent before `run()` has connected wait up to `connectTimeout`, then fail with `.unavailable`.
/// While Redis is unreachable after having been up, commands fail at once with `.unavailable`.
/// In tests, run it in a task group and cancel the group when done:
/// ```swift
/// try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask { try await client.run() }
///     try await client.ping()   // waits for the first connection
///     ...
///     group.cancelAll()
/// }
/// ```
public final class RedisClient: RedisCommandExecutor, Service, Sendable {
    /// The configuration this client connects with.
    public let configuration: RedisConfiguration
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    let state: Mutex<RedisPoolState>
    /// The cluster side, in cluster mode; nil for a single server.
    let cluster: RedisClusterRouter?

    /// A client for `configuration`; nothing connects until `run()`.
    public init(configuration: RedisConfiguration, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.state = Mutex(RedisPoolState(poolSize: max(1, configuration.poolSize)))
        self.cluster = configuration.isCluster
            ? RedisClusterRouter(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger) : nil
    }

    /// True when this client talks to a Redis Cluster.
    public var isCluster: Bool { cluster != nil }

    /// The pool's life: keeps every slot connected (reconnecting with backoff) until cancelled or graceful shutdown.
    public func run() async throws {
        if let cluster { return try await cluster.run() }
        try state.withLock { try $0.start() }
        logger.info("Redis client starting", metadata: ["redis.host": "\(configuration.host)", "redis.port": "\(configuration.port)"])
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for slot in 0..<self.state.withLock({ $0.slots.count }) {
                    group.addTask { await self.maintain(slot: slot) }
                }
            }
        }
        let (connections, waiters) = state.withLock { $0.shutdown() }
        for waiter in waiters { waiter.fail(RedisClientError(.shutdown, "the Redis client shut down")) }
        for connection in connections { await connection.close() }
        logger.info("Redis client stopped")
    }

    /// Keeps one slot connected: connect, serve until the connection drops, back off on failures.
    private func maintain(slot: Int) async {
        let initialDelay = TimeAmount.milliseconds(50)
        var delay = initialDelay
        while !Task.isCancelled {
            do {
                let connection = try await RedisConnection.connect(configuration: configuration, eventLoop: eventLoopGroup.next(), logger: logger)
                delay = initialDelay
                let waiters = state.withLock { $0.install(connection, slot: slot) }
                for waiter in waiters { waiter.succeed(connection) }
                if slot == 0 { logger.debug("Redis connected", metadata: ["redis.slot": "\(slot)"]) }
                await withTaskCancellationHandler {
                    try? await connection.closeFuture.get()
                } onCancel: {
                    connection.channel.close(promise: nil)
                }
                state.withLock { $0.remove(slot: slot, connection: connection) }
                if !Task.isCancelled { logger.warning("Redis connection lost, reconnecting", metadata: ["redis.slot": "\(slot)"]) }
            } catch {
                let waiters = state.withLock { $0.recordFailure(error) }
                let failure = RedisClientError(.unavailable, "Redis at \(configuration.host):\(configuration.port) is unreachable: \(Self.reason(error))")
                for waiter in waiters { waiter.fail(failure) }
                logger.warning("Redis connection failed, retrying", metadata: ["error.message": "\(Self.reason(error))", "redis.retry_in_ms": "\(delay.nanoseconds / 1_000_000)"])
                // Backoff between attempts; cancellation (shutdown) ends the sleep early.
                try? await Task.sleep(for: .nanoseconds(delay.nanoseconds))
                delay = min(delay * 2, configuration.maxReconnectDelay)
            }
        }
    }

    /// The message of a failure without repeating our own "Redis unavailable" prefix.
    static func reason(_ error: any Error) -> String {
        (error as? RedisClientError)?.message ?? "\(error)"
    }

    /// A live multiplexed connection, round robin; waits while the pool is (re)connecting.
    nonisolated(nonsending) func connection() async throws -> RedisConnection {
        let eventLoop = eventLoopGroup.any()
        let decision = state.withLock { $0.acquire(eventLoop: eventLoop, configuration: configuration) }
        switch decision {
        case .use(let connection):
            return connection
        case .fail(let error):
            throw error
        case .wait(let id, let promise):
            let message = "no Redis connection within \(configuration.connectTimeout) (is run() started and Redis at \(configuration.host):\(configuration.port) up?)"
            let timeout = eventLoop.scheduleTask(in: configuration.connectTimeout) {
                promise.fail(RedisClientError(.unavailable, message))
            }
            promise.futureResult.whenComplete { _ in
                timeout.cancel()
                self.state.withLock { $0.removeWaiter(id) }
            }
            return try await withTaskCancellationHandler {
                try await promise.futureResult.get()
            } onCancel: {
                promise.fail(CancellationError())
            }
        }
    }

    nonisolated(nonsending) public func send(_ arguments: [RESPArgument]) async throws -> RESPValue {
        if let cluster { return try await cluster.send(arguments) }
        return try await connection().send(arguments)
    }

    nonisolated(nonsending) public func pipeline(_ commands: [[RESPArgument]]) async throws -> [Result<RESPValue, RedisServerError>] {
        if let cluster { return try await cluster.pipeline(commands) }
        return try await connection().pipeline(commands)
    }

    nonisolated(nonsending) public func sendBlocking(_ arguments: [RESPArgument], blockFor: TimeAmount?) async throws -> RESPValue {
        if let cluster { return try await cluster.sendBlocking(arguments, blockFor: blockFor) }
        return try await withDedicatedConnection { try await $0.sendBlocking(arguments, blockFor: blockFor) }
    }

    /// Like `withDedicatedConnection(_:)`, on a connection to the node that serves `key` (on a cluster, the primary
    /// of its slot; a single server's otherwise). Every key `body` touches must share that slot.
    public func withDedicatedConnection<T: Sendable>(
        forKey key: String,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (RedisConnection) async throws -> T
    ) async throws -> T {
        if let cluster { return try await cluster.withDedicatedConnection(forKey: key, isolation: isolation, body) }
        return try await withDedicatedConnection(isolation: isolation, body)
    }

    /// Runs `body` with a connection nobody else uses (for `XREADGROUP … BLOCK`, `MULTI`/`EXEC`, `WATCH`).
    /// The connection is reused afterwards only if `body` finished normally and was not cancelled.
    /// On a cluster it fails with `.unroutable`: use `withDedicatedConnection(forKey:_:)`.
    public func withDedicatedConnection<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (RedisConnection) async throws -> T
    ) async throws -> T {
        if cluster != nil {
            throw RedisClientError(.unroutable, "a dedicated connection on a Redis Cluster needs a key: use withDedicatedConnection(forKey:)")
        }
        let connection = try await leaseDedicated()
        do {
            let result = try await body(connection)
            await releaseDedicated(connection, reusable: !Task.isCancelled)
            return result
        } catch {
            await releaseDedicated(connection, reusable: error is RedisServerError && !Task.isCancelled)
            throw error
        }
    }

    private func leaseDedicated() async throws -> RedisConnection {
        while true {
            switch try state.withLock({ try $0.leaseIdleDedicated() }) {
            case .some(let connection) where connection.isActive:
                return connection
            case .some(let connection):
                state.withLock { $0.forgetLeased(connection) }
                continue
            case .none:
                let connection = try await RedisConnection.connect(configuration: configuration, eventLoop: eventLoopGroup.next(), logger: logger)
                let accepted = state.withLock { $0.registerLeased(connection) }
                guard accepted else {
                    await connection.close()
                    throw RedisClientError(.shutdown, "the Redis client shut down")
                }
                return connection
            }
        }
    }

    private func releaseDedicated(_ connection: RedisConnection, reusable: Bool) async {
        let keep = reusable && connection.isActive && !connection.sawCancellation.load(ordering: .relaxed)
        let kept = state.withLock { $0.returnDedicated(connection, keep: keep, maxIdle: configuration.maxIdleDedicatedConnections) }
        if !kept { await connection.close() }
    }
}
