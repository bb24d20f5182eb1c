// ShopPostgres/Pool: the pool of connections: who holds which connection, who waits, closing, reconnect backoff.

import Logging
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A small pool of libpq connections whose blocking calls all run on the client's own `NIOThreadPool`.
///
/// Connections open lazily and reopen after the server went away, with backoff between failed attempts.
/// Run it as a `Service` (or call `close()`): shutdown waits for lent connections, then closes them all.
/// In a `ServiceGroup`, list it before the services that use it, so it is shut down after them.
public final class PostgresClient: Service, Sendable {
    public let configuration: PostgresConfiguration
    let logger: Logger
    private let threadPool: NIOThreadPool
    private let state: Mutex<State>

    private typealias Waiter = CheckedContinuation<PostgresConnection, any Error>

    private struct State {
        var pool: PostgresPoolState<PostgresConnection, Waiter>
        /// `close()` waiting for the lent connections to come back.
        var allReturned: CheckedContinuation<Void, Never>?
    }

    /// A client for `configuration`; starts `poolSize` threads (1…64), opens no connection until first used.
    public init(configuration: PostgresConfiguration, logger: Logger) {
        let size = min(max(configuration.poolSize, 1), 64)
        self.configuration = configuration
        self.logger = logger
        let threadPool = NIOThreadPool(numberOfThreads: size)
        threadPool.start()
        self.threadPool = threadPool
        let connections = (0..<size).map { _ in PostgresConnection(configuration: configuration, threadPool: threadPool) }
        self.state = Mutex(State(pool: PostgresPoolState(connections: connections)))
    }

    /// Lives until graceful shutdown (or cancellation), then closes the pool.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Refuses new work, waits for lent connections to come back, closes every connection and stops the threads.
    /// A second call returns at once.
    public func close() async {
        guard case .close(let waiters, let mustWait) = state.withLock({ $0.pool.close() }) else { return }
        for waiter in waiters { waiter.resume(throwing: PostgresPoolState<PostgresConnection, Waiter>.closedError) }
        if mustWait {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    guard state.pool.lentCount > 0 else { return true }
                    state.allReturned = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
        let connections = state.withLock { $0.pool.takeIdle() }
        for connection in connections { await connection.close() }
        try? await threadPool.shutdownGracefully()
        logger.debug("PostgreSQL client closed", metadata: ["postgres.server": "\(configuration)"])
    }

    /// Runs one parameterised statement on a pooled connection (reconnecting it if needed).
    public func query(_ sql: String, _ parameters: [PostgresValue?] = []) async throws -> PostgresRows {
        try await withLease { connection in
            guard let rows = try await runPrepared(on: connection, sql, parameters) else {
                throw PostgresError(.unexpectedResult, "the statement returned no result")
            }
            return rows
        }
    }

    /// Checks that PostgreSQL answers (`SELECT 1`), for readiness probes.
    public func ping() async throws {
        _ = try await query("SELECT 1")
    }

    /// Lends one healthy connection to `body` for several statements in a row, then takes it back.
    public func withConnection<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        try await withLease { connection in
            _ = try await runPrepared(on: connection, nil, [])
            return try await body(connection)
        }
    }

    /// Runs `body` inside BEGIN … COMMIT on one connection; any error rolls back and is rethrown.
    public func withTransaction<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        try await withLease { connection in
            _ = try await runPrepared(on: connection, "BEGIN", [])
            do {
                let result = try await body(connection)
                _ = try await connection.query("COMMIT")
                return result
            } catch {
                // A rollback that fails (connection lost) leaves the transaction aborted on the server anyway;
                // the next lease finds the connection broken or still in a transaction and repairs it.
                _ = try? await connection.query("ROLLBACK")
                throw error
            }
        }
    }

    /// Lends a connection to `body` and takes it back however `body` ends.
    private func withLease<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        let connection = try await lease()
        do {
            let result = try await body(connection)
            release(connection)
            return result
        } catch {
            release(connection)
            throw error
        }
    }

    /// Runs on a freshly lent connection: repairs or reconnects it within the backoff rules, then runs `sql`.
    private func runPrepared(on connection: PostgresConnection, _ sql: String?, _ parameters: [PostgresValue?]) async throws -> PostgresRows? {
        let permission = state.withLock { $0.pool.backoff.permission(at: .now) }
        let outcome = try await connection.run(sql, parameters, connecting: permission)
        if let failure = outcome.connectFailure {
            state.withLock { $0.pool.backoff.recordFailure(failure, at: .now) }
            logger.warning("PostgreSQL connect failed", metadata: ["postgres.server": "\(configuration)", "error.message": "\(failure.message)"])
        } else if outcome.reconnected {
            let recovered = state.withLock { state in
                defer { state.pool.backoff.recordSuccess() }
                return state.pool.backoff.consecutiveFailures > 0
            }
            if recovered { logger.info("PostgreSQL reachable again", metadata: ["postgres.server": "\(configuration)"]) }
        }
        return try outcome.result.get()
    }

    /// Takes an idle connection, or waits (cancellably) for one to be released.
    private func lease() async throws -> PostgresConnection {
        let id = state.withLock { $0.pool.newLease() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: Waiter) in
                switch state.withLock({ $0.pool.lease(id, waiter: continuation) }) {
                case .use(let connection): continuation.resume(returning: connection)
                case .fail(let error): continuation.resume(throwing: error)
                case .wait: break
                }
            }
        } onCancel: {
            state.withLock { $0.pool.cancel(id) }?.resume(throwing: CancellationError())
        }
    }

    /// Hands a connection to the next waiter, or back to the idle list (and lets `close()` go on after the last).
    private func release(_ connection: PostgresConnection) {
        let (action, allReturned) = state.withLock { state in
            let action = state.pool.release(connection)
            guard case .idle(allReturned: true) = action else { return (action, nil as CheckedContinuation<Void, Never>?) }
            defer { state.allReturned = nil }
            return (action, state.allReturned)
        }
        if case .handTo(let waiter, let connection) = action { waiter.resume(returning: connection) }
        allReturned?.resume()
    }
}
