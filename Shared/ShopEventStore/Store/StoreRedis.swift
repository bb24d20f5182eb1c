import NIOCore
import ShopRedis

/// The store's way to Redis: every failure of the client becomes an `EventStoreError` (Redis away: `.unavailable`;
/// the connection lost after the command went out: `.outcomeUnknown`; a write its replicas did not confirm:
/// `.notReplicated`; our scripts' typed refusals: their own codes; any other error reply: `.refused`), so nothing
/// above the store needs to know Redis's error codes.
struct StoreRedis: RedisCommandExecutor {
    let base: any RedisCommandExecutor

    /// Error replies that mean "not now": Redis loading, busy with a script, failing over, out of memory.
    static let transientPrefixes: Set<String> = ["LOADING", "BUSY", "MASTERDOWN", "READONLY", "OOM", "TRYAGAIN", "CLUSTERDOWN"]

    nonisolated(nonsending) func send(_ arguments: [RESPArgument]) async throws -> RESPValue {
        do {
            return try await base.send(arguments)
        } catch {
            throw Self.translate(error)
        }
    }

    /// Failed replies stay in their `Result` (a caller may expect some, such as `NOGROUP`), except the transient ones,
    /// which fail the whole pipeline as `.unavailable`.
    nonisolated(nonsending) func pipeline(_ commands: [[RESPArgument]]) async throws -> [Result<RESPValue, RedisServerError>] {
        let replies: [Result<RESPValue, RedisServerError>]
        do {
            replies = try await base.pipeline(commands)
        } catch {
            throw Self.translate(error)
        }
        for case .failure(let error) in replies where Self.transientPrefixes.contains(error.prefix) {
            throw Self.translate(error)
        }
        return replies
    }

    nonisolated(nonsending) func sendBlocking(_ arguments: [RESPArgument], blockFor: TimeAmount?) async throws -> RESPValue {
        do {
            return try await base.sendBlocking(arguments, blockFor: blockFor)
        } catch {
            throw Self.translate(error)
        }
    }

    nonisolated(nonsending) func evalSHAReplicated(_ script: RedisScript, keys: [RESPArgument], arguments: [RESPArgument]) async throws -> RESPValue {
        do {
            return try await base.evalSHAReplicated(script, keys: keys, arguments: arguments)
        } catch {
            throw Self.translate(error)
        }
    }

    /// The store's error for a failure of the Redis client. `NOSCRIPT` passes unchanged: `evalSHA` loads the script.
    static func translate(_ error: any Error) -> any Error {
        switch error {
        case let error as RedisServerError:
            if error.prefix == "NOSCRIPT" { return error }
            if let storeError = EventStoreError.fromScript(error) { return storeError }
            if transientPrefixes.contains(error.prefix) {
                return EventStoreError(.unavailable, "Redis is unavailable: \(error)")
            }
            return EventStoreError(.refused(prefix: error.prefix), "Redis refused a command: \(error)")
        case let error as RedisClientError:
            switch error.code {
            case .connectionClosed, .timeout:
                return EventStoreError(.outcomeUnknown, "Redis did not answer: \(error)")
            case .notReplicated:
                return EventStoreError(.notReplicated, "the write was not confirmed by enough replicas: \(error)")
            case .unavailable, .shutdown:
                return EventStoreError(.unavailable, "Redis is unavailable: \(error)")
            default:
                return EventStoreError(.unexpectedReply, "Redis client failure: \(error)")
            }
        default:
            return error
        }
    }
}
