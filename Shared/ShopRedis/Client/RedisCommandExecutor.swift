import NIOCore
import ShopTracing
import Tracing

/// Something that runs Redis commands: the pooled `RedisClient` or one `RedisConnection`.
public protocol RedisCommandExecutor: Sendable {
    /// Sends one command; an error reply throws `RedisServerError`, a client failure `RedisClientError`.
    nonisolated(nonsending) func send(_ arguments: [RESPArgument]) async throws -> RESPValue
    /// Sends commands in one write; replies in order, each an error reply or a value.
    nonisolated(nonsending) func pipeline(_ commands: [[RESPArgument]]) async throws -> [Result<RESPValue, RedisServerError>]
    /// Sends a command that blocks on the server (`BLOCK`, `BLPOP`); `blockFor` nil means forever.
    /// The pooled client runs it on a dedicated connection so nobody else waits behind it.
    nonisolated(nonsending) func sendBlocking(_ arguments: [RESPArgument], blockFor: TimeAmount?) async throws -> RESPValue
    /// Runs a script that writes, like `evalSHA`; where the configuration asks replicas to hold a write
    /// (`RedisConfiguration.minReplicas`), waits until they do and throws `.notReplicated` when they do not in time.
    nonisolated(nonsending) func evalSHAReplicated(_ script: RedisScript, keys: [RESPArgument], arguments: [RESPArgument]) async throws -> RESPValue
}

extension RedisCommandExecutor {
    /// Sends one command given as variadic arguments.
    @inlinable
    nonisolated(nonsending) public func send(_ arguments: RESPArgument...) async throws -> RESPValue {
        try await send(arguments)
    }

    /// Runs a script by SHA1; on `NOSCRIPT` loads it and retries once (also after a restart or `SCRIPT FLUSH`).
    nonisolated(nonsending) public func evalSHA(_ script: RedisScript, keys: [RESPArgument] = [], arguments: [RESPArgument] = []) async throws -> RESPValue {
        var command: [RESPArgument] = ["EVALSHA", RESPArgument(script.sha1), RESPArgument(keys.count)]
        command.reserveCapacity(3 + keys.count + arguments.count)
        command.append(contentsOf: keys)
        command.append(contentsOf: arguments)
        // A client span around every script when a tracer records (a script is one step of the shop's work).
        guard TraceParent.isTracing else { return try await run(script, command) }
        return try await withSpan("EVALSHA", ofKind: .client) { span in
            Self.describe(span, script)
            return try await run(script, command)
        }
    }

    /// The attributes of a script's client span.
    static func describe(_ span: any Span, _ script: RedisScript) {
        span.attributes["db.system.name"] = "redis"
        span.attributes["db.operation.name"] = "EVALSHA"
        span.attributes["db.redis.script.sha1"] = script.sha1
    }

    nonisolated(nonsending) private func run(_ script: RedisScript, _ command: [RESPArgument]) async throws -> RESPValue {
        do {
            return try await send(command)
        } catch let error as RedisServerError where error.prefix == "NOSCRIPT" {
            _ = try await scriptLoad(script)
            return try await send(command)
        }
    }

    /// A plain `evalSHA`: a single connection waits for no replica.
    nonisolated(nonsending) public func evalSHAReplicated(_ script: RedisScript, keys: [RESPArgument], arguments: [RESPArgument]) async throws -> RESPValue {
        try await evalSHA(script, keys: keys, arguments: arguments)
    }

    /// Runs a script by SHA1 and then `WAIT replicas timeout` on the same connection, in one pipeline (loading the
    /// script on `NOSCRIPT`); the script's reply, or `.notReplicated` when fewer replicas acknowledged in time.
    nonisolated(nonsending) public func evalSHA(
        _ script: RedisScript, keys: [RESPArgument], arguments: [RESPArgument], waitingFor replicas: Int, timeout: TimeAmount
    ) async throws -> RESPValue {
        guard replicas > 0 else { return try await evalSHA(script, keys: keys, arguments: arguments) }
        // The same client span as a script without WAIT (the span covers the wait for the replicas too).
        guard TraceParent.isTracing else {
            return try await evalSHAThenWait(script, keys: keys, arguments: arguments, replicas: replicas, timeout: timeout)
        }
        return try await withSpan("EVALSHA", ofKind: .client) { span in
            Self.describe(span, script)
            return try await evalSHAThenWait(script, keys: keys, arguments: arguments, replicas: replicas, timeout: timeout)
        }
    }

    nonisolated(nonsending) private func evalSHAThenWait(
        _ script: RedisScript, keys: [RESPArgument], arguments: [RESPArgument], replicas: Int, timeout: TimeAmount
    ) async throws -> RESPValue {
        var command: [RESPArgument] = ["EVALSHA", RESPArgument(script.sha1), RESPArgument(keys.count)]
        command.append(contentsOf: keys)
        command.append(contentsOf: arguments)
        let wait: [RESPArgument] = ["WAIT", RESPArgument(replicas), RESPArgument(max(1, Int(timeout.nanoseconds / 1_000_000)))]
        var replies = try await pipeline([command, wait])
        if case .failure(let error) = replies[0], error.prefix == "NOSCRIPT" {
            _ = try await scriptLoad(script)
            replies = try await pipeline([command, wait])
        }
        let value = try replies[0].get()
        switch replies[1] {
        case .success(let reply) where (reply.int ?? 0) >= replicas:
            return value
        case .success(let reply):
            throw RedisClientError(.notReplicated, "the write reached \(reply.int ?? 0) of \(replicas) replica(s) within \(timeout.nanoseconds / 1_000_000) ms")
        case .failure(let error):
            throw RedisClientError(.notReplicated, "WAIT for \(replicas) replica(s) failed: \(error)")
        }
    }

    /// Loads a script into the server's cache; returns its SHA1.
    @discardableResult
    nonisolated(nonsending) public func scriptLoad(_ script: RedisScript) async throws -> String {
        let reply = try await send("SCRIPT", "LOAD", RESPArgument(script.source))
        guard let sha = reply.string else { throw RedisClientError.unexpected(reply, for: "SCRIPT LOAD") }
        return sha
    }

    /// Replies `PONG` or throws: a readiness check.
    nonisolated(nonsending) public func ping() async throws {
        let reply = try await send("PING")
        guard reply.string == "PONG" else { throw RedisClientError.unexpected(reply, for: "PING") }
    }
}

extension RedisClientError {
    static func unexpected(_ reply: RESPValue, for command: String) -> RedisClientError {
        RedisClientError(.unexpectedReply, "unexpected reply to \(command): \(reply)")
    }
}
