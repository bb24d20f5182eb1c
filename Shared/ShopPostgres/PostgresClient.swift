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

    private struct State {
        var idle: [PostgresConnection]
        var waiters: [(id: Int, continuation: CheckedContinuation<PostgresConnection, any Error>)] = []
        /// Leases that asked for a connection and have not got one (or an error) yet.
        var pendingLeases: Set<Int> = []
        var cancelledWaiters: Set<Int> = []
        var nextWaiterID = 0
        var lentCount = 0
        var closed = false
        var allReturned: CheckedContinuation<Void, Never>?
        var backoff = ReconnectBackoff()
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
        self.state = Mutex(State(idle: connections))
    }

    /// Lives until graceful shutdown (or cancellation), then closes the pool.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Refuses new work, waits for lent connections to come back, closes every connection and stops the threads.
    /// A second call returns at once.
    public func close() async {
        let (waiters, firstClose, mustWait) = state.withLock { state in
            guard !state.closed else { return ([] as [CheckedContinuation<PostgresConnection, any Error>], false, false) }
            state.closed = true
            let waiters = state.waiters.map(\.continuation)
            state.waiters = []
            state.pendingLeases = []
            return (waiters, true, state.lentCount > 0)
        }
        guard firstClose else { return }
        for waiter in waiters { waiter.resume(throwing: PostgresError(.clientClosed, "the PostgreSQL client is shut down")) }
        if mustWait {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    guard state.lentCount > 0 else { return true }
                    state.allReturned = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
        let connections = state.withLock { state in
            defer { state.idle = [] }
            return state.idle
        }
        for connection in connections { await connection.close() }
        try? await threadPool.shutdownGracefully()
        logger.debug("PostgreSQL client closed", metadata: ["postgres.server": "\(configuration)"])
    }

    /// Runs one parameterised statement on a pooled connection (reconnecting it if needed).
    public func query(_ sql: String, _ parameters: [PostgresValue?] = []) async throws -> PostgresRows {
        let connection = try await lease()
        do {
            let rows = try await runPrepared(on: connection, sql, parameters)
            release(connection)
            guard let rows else { throw PostgresError(.unexpectedResult, "the statement returned no result") }
            return rows
        } catch {
            release(connection)
            throw error
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
        let connection = try await lease()
        do {
            _ = try await runPrepared(on: connection, nil, [])
            let result = try await body(connection)
            release(connection)
            return result
        } catch {
            release(connection)
            throw error
        }
    }

    /// Runs `body` inside BEGIN … COMMIT on one connection; any error rolls back and is rethrown.
    public func withTransaction<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        let connection = try await lease()
        do {
            _ = try await runPrepared(on: connection, "BEGIN", [])
        } catch {
            release(connection)
            throw error
        }
        do {
            let result = try await body(connection)
            _ = try await connection.query("COMMIT")
            release(connection)
            return result
        } catch {
            // A rollback that fails (connection lost) leaves the transaction aborted on the server anyway;
            // the next lease finds the connection broken or still in a transaction and repairs it.
            _ = try? await connection.query("ROLLBACK")
            release(connection)
            throw error
        }
    }

    /// Runs on a freshly lent connection: repairs or reconnects it within the backoff rules, then runs `sql`.
    private func runPrepared(on connection: PostgresConnection, _ sql: String?, _ parameters: [PostgresValue?]) async throws -> PostgresRows? {
        let permission = state.withLock { $0.backoff.permission(at: .now) }
        let outcome = try await connection.run(sql, parameters, connecting: permission)
        if let failure = outcome.connectFailure {
            state.withLock { $0.backoff.recordFailure(failure, at: .now) }
            logger.warning("PostgreSQL connect failed", metadata: ["postgres.server": "\(configuration)", "postgres.error": "\(failure.message)"])
        } else if outcome.reconnected {
            let recovered = state.withLock { state in
                defer { state.backoff.recordSuccess() }
                return state.backoff.consecutiveFailures > 0
            }
            if recovered { logger.info("PostgreSQL reachable again", metadata: ["postgres.server": "\(configuration)"]) }
        }
        return try outcome.result.get()
    }

    /// Takes an idle connection, or waits (cancellably) for one to be released.
    private func lease() async throws -> PostgresConnection {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            state.pendingLeases.insert(state.nextWaiterID)
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PostgresConnection, any Error>) in
                let immediate: Swift.Result<PostgresConnection, any Error>? = state.withLock { state in
                    let resolved = Self.resolveNow(id, &state, enqueue: continuation)
                    if resolved != nil { state.pendingLeases.remove(id) }
                    return resolved
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<PostgresConnection, any Error>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else {
                    if state.pendingLeases.contains(id) { state.cancelledWaiters.insert(id) }
                    return nil
                }
                state.pendingLeases.remove(id)
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// A connection or an error right away, or nil after queueing the lease as a waiter.
    private static func resolveNow(
        _ id: Int, _ state: inout State, enqueue continuation: CheckedContinuation<PostgresConnection, any Error>
    ) -> Swift.Result<PostgresConnection, any Error>? {
        if state.closed { return .failure(PostgresError(.clientClosed, "the PostgreSQL client is shut down")) }
        if state.cancelledWaiters.remove(id) != nil { return .failure(CancellationError()) }
        if let connection = state.idle.popLast() {
            state.lentCount += 1
            return .success(connection)
        }
        state.waiters.append((id, continuation))
        return nil
    }

    /// Hands a connection to the next waiter, or back to the idle list.
    private func release(_ connection: PostgresConnection) {
        enum Next { case waiter(CheckedContinuation<PostgresConnection, any Error>), allReturned(CheckedContinuation<Void, Never>), none }
        let next: Next = state.withLock { state in
            if !state.waiters.isEmpty {
                let waiter = state.waiters.removeFirst()
                state.pendingLeases.remove(waiter.id)
                return .waiter(waiter.continuation)
            }
            state.lentCount -= 1
            state.idle.append(connection)
            if state.lentCount == 0, let allReturned = state.allReturned {
                state.allReturned = nil
                return .allReturned(allReturned)
            }
            return .none
        }
        switch next {
        case .waiter(let continuation): continuation.resume(returning: connection)
        case .allReturned(let continuation): continuation.resume()
        case .none: break
        }
    }
}
