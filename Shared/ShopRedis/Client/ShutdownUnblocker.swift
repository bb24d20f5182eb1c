import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Ends a blocking read (`XREADGROUP … BLOCK`) as soon as graceful shutdown begins, instead of letting it sit out
/// its timeout: `CLIENT UNBLOCK` makes Redis answer the read as if the timeout had passed, so nothing is delivered
/// and then left unhandled, and work already under way (a handler, a batch) still finishes. The unblock goes on a
/// short-lived connection to the blocked connection's own server (on a cluster, client ids are per node).
///
/// One per long-lived reader (an event consumer, the archiver), which runs its loop in ``run(_:)``, checks
/// ``isStopping`` between steps and sends its blocking reads through ``sendBlocking(_:blockFor:on:clientID:)``.
public final class ShutdownUnblocker: Sendable {
    private struct State {
        var stopping = false
        /// The connections blocked in a read right now (several on a cluster: one reader per slot), with their `CLIENT ID`.
        var blocked: [ObjectIdentifier: (connection: RedisConnection, clientID: Int)] = [:]
    }

    private let state = Mutex(State())
    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Whether graceful shutdown has begun: the reader should stop after the step at hand.
    public var isStopping: Bool { state.withLock { $0.stopping } }

    /// Runs `body` until it returns; when graceful shutdown begins meanwhile, marks ``isStopping`` and ends the read
    /// `body` is blocked in, if any. Without a `ServiceGroup` (or when cancelled) it only runs `body`.
    public func run(_ body: @escaping @Sendable () async -> Void) async {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await body()
                return true
            }
            group.addTask {
                do { try await gracefulShutdown() } catch { return false }
                await self.stop()
                return false
            }
            while let bodyReturned = await group.next() {
                if bodyReturned { group.cancelAll() }
            }
        }
    }

    /// The server's id of `connection`, which ``sendBlocking(_:blockFor:on:clientID:)`` needs: ask once per connection.
    public static func clientID(of connection: some RedisCommandExecutor) async throws -> Int {
        let reply = try await connection.send(["CLIENT", "ID"])
        guard let id = reply.int else { throw RedisClientError(.unexpectedReply, "CLIENT ID answered \(reply)") }
        return id
    }

    /// Sends the blocking `command` on `connection` (whose `CLIENT ID` is `clientID`). Nil, without sending, once
    /// stopping; graceful shutdown while it blocks makes it return at once with Redis's timeout answer.
    public func sendBlocking(
        _ command: [RESPArgument], blockFor: TimeAmount, on connection: RedisConnection, clientID: Int
    ) async throws -> RESPValue? {
        let key = ObjectIdentifier(connection)
        let proceed = state.withLock { state in
            guard !state.stopping else { return false }
            state.blocked[key] = (connection, clientID)
            return true
        }
        guard proceed else { return nil }
        defer { state.withLock { _ = $0.blocked.removeValue(forKey: key) } }
        return try await connection.sendBlocking(command, blockFor: blockFor)
    }

    /// Marks stopping, then unblocks every blocked read.
    private func stop() async {
        let blocked = state.withLock { state in
            state.stopping = true
            return Array(state.blocked.values)
        }
        await withDiscardingTaskGroup { group in
            for (connection, clientID) in blocked {
                group.addTask { await self.unblock(clientID, of: connection) }
            }
        }
    }

    /// `CLIENT UNBLOCK` answers 0 when the read has not reached Redis yet (it travels on another connection), so it is
    /// repeated until the read is unblocked or has returned.
    private func unblock(_ clientID: Int, of blocked: RedisConnection) async {
        let unblocker: RedisConnection
        do {
            unblocker = try await RedisConnection.connect(
                configuration: blocked.configuration, eventLoop: blocked.channel.eventLoop, logger: logger)
        } catch {
            logger.debug("cannot unblock a read for shutdown; it ends with its timeout", metadata: ["error.message": "\(error)"])
            return
        }
        let key = ObjectIdentifier(blocked)
        while !Task.isCancelled, state.withLock({ $0.blocked[key] != nil }) {
            guard let reply = try? await unblocker.send(["CLIENT", "UNBLOCK", RESPArgument(clientID)]), reply.int == 0 else { break }
            try? await Task.sleep(for: .milliseconds(5))
        }
        await unblocker.close()
    }
}
