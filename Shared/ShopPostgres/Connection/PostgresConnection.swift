// ShopPostgres/Connection: one libpq connection: its blocking calls on the client's thread pool, connecting, statements.

import CLibPQ
import NIOPosix
import Synchronization

/// One connection of a `PostgresClient`'s pool, lent out by `withConnection` and `withTransaction`.
///
/// Its libpq calls run on the client's `NIOThreadPool`; use it only inside the closure that received it.
public final class PostgresConnection: Sendable {
    /// The libpq connection (`PGconn *`), nil until connected; the lock also keeps two calls from interleaving.
    private let handle = Mutex<OpaquePointer?>(nil)
    private let threadPool: NIOThreadPool
    private let configuration: PostgresConfiguration

    init(configuration: PostgresConfiguration, threadPool: NIOThreadPool) {
        self.configuration = configuration
        self.threadPool = threadPool
    }

    /// Runs one parameterised statement (`$1`, `$2`, … bound to `parameters`) and returns its rows.
    ///
    /// Never reconnects: inside a transaction a silent reconnect would run the rest outside it.
    public func query(_ sql: String, _ parameters: [PostgresValue?] = []) async throws -> PostgresRows {
        let outcome = try await run(sql, parameters, connecting: .never)
        guard let rows = try outcome.result.get() else { throw PostgresError(.unexpectedResult, "the statement returned no result") }
        return rows
    }

    /// Whether a call may open a new connection when the current one is missing or broken.
    enum ConnectPermission: Sendable {
        case never
        case allowed
        /// The client is backing off after failed attempts; fail with this error instead.
        case refused(PostgresError)
    }

    /// What happened to a call: whether it (re)connected, and the statement's rows (nil when there was none).
    struct Outcome: Sendable {
        var connectFailure: PostgresError?
        var reconnected = false
        var result: Result<PostgresRows?, PostgresError>
    }

    /// The one hop to the thread pool: make sure the connection is healthy and outside a transaction
    /// (reconnecting if `connecting` allows), then run `sql` if given.
    func run(_ sql: String?, _ parameters: [PostgresValue?], connecting: ConnectPermission) async throws -> Outcome {
        let texts = parameters.map { $0?.text }
        let configuration = self.configuration
        do {
            return try await threadPool.runIfActive { [self] in
                self.handle.withLock { connection -> Outcome in
                    var outcome = Outcome(result: .success(nil))
                    if connecting.allowsPreparation, let current = connection, !Self.prepare(current) {
                        LibPQ.finish(current)
                        connection = nil
                    }
                    if connection == nil {
                        switch connecting {
                        case .never:
                            outcome.result = .failure(PostgresError(.connectionLost, "the connection to PostgreSQL is closed"))
                            return outcome
                        case .refused(let error):
                            outcome.result = .failure(error)
                            return outcome
                        case .allowed:
                            do throws(PostgresError) {
                                connection = try LibPQ.connect(configuration)
                                outcome.reconnected = true
                            } catch {
                                outcome.connectFailure = error
                                outcome.result = .failure(error)
                                return outcome
                            }
                        }
                    }
                    guard let sql, let current = connection else { return outcome }
                    do throws(PostgresError) {
                        outcome.result = .success(try LibPQ.execute(current, sql, texts))
                    } catch {
                        outcome.result = .failure(error)
                    }
                    return outcome
                }
            }
        } catch let error as PostgresError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw PostgresError(.clientClosed, "the PostgreSQL client is shut down")
        }
    }

    /// Closes the libpq connection, if any.
    func close() async {
        _ = try? await threadPool.runIfActive { [self] in
            self.handle.withLock { connection in
                if let current = connection { LibPQ.finish(current) }
                connection = nil
            }
        }
    }

    /// Checks a connection about to be lent out; rolls back a transaction an earlier user left open.
    /// False when it is broken and must be replaced.
    private static func prepare(_ connection: OpaquePointer) -> Bool {
        guard LibPQ.isHealthy(connection) else { return false }
        if LibPQ.isIdle(connection) { return true }
        return (try? LibPQ.execute(connection, "ROLLBACK", [])) != nil && LibPQ.isIdle(connection)
    }
}

extension PostgresConnection.ConnectPermission {
    var allowsPreparation: Bool {
        if case .never = self { return false }
        return true
    }
}
