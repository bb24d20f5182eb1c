import NIOCore

/// Something that runs Redis commands: the pooled `RedisClient` or one `RedisConnection`.
public protocol RedisCommandExecutor: Sendable {
    /// Sends one command; an error reply throws `RedisServerError`, a client failure `RedisClientError`.
    nonisolated(nonsending) func send(_ arguments: [RESPArgument]) async throws -> RESPValue
    /// Sends commands in one write; replies in order, each an error reply or a value.
    nonisolated(nonsending) func pipeline(_ commands: [[RESPArgument]]) async throws -> [Result<RESPValue, RedisServerError>]
    /// Sends a command that blocks on the server (`BLOCK`, `BLPOP`); `blockFor` nil means forever.
    /// The pooled client runs it on a dedicated connection so nobody else waits behind it.
    nonisolated(nonsending) func sendBlocking(_ arguments: [RESPArgument], blockFor: TimeAmount?) async throws -> RESPValue
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
        do {
            return try await send(command)
        } catch let error as RedisServerError where error.prefix == "NOSCRIPT" {
            _ = try await scriptLoad(script)
            return try await send(command)
        }
    }

    /// Runs `script` once per call in one round trip (a pipeline); each call is `keyCount` keys then its arguments.
    /// Replies in call order; the first server error is thrown. Calls answered NOSCRIPT (none of them ran) are sent
    /// again after loading the script.
    nonisolated(nonsending) public func evalSHA(_ script: RedisScript, keyCount: Int, pipelined calls: [[RESPArgument]]) async throws -> [RESPValue] {
        let prefix: [RESPArgument] = ["EVALSHA", RESPArgument(script.sha1), RESPArgument(keyCount)]
        var results = try await pipeline(calls.map { prefix + $0 })
        let missing = results.indices.filter { index in
            if case .failure(let error) = results[index] { error.prefix == "NOSCRIPT" } else { false }
        }
        if !missing.isEmpty {
            try await scriptLoad(script)
            for (index, result) in zip(missing, try await pipeline(missing.map { prefix + calls[$0] })) { results[index] = result }
        }
        return try results.map { try $0.get() }
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
