import NIOCore

extension RedisClusterRouter {
    /// Sends one command to the primary of its keys' slot, following redirects.
    nonisolated(nonsending) func send(_ command: [RESPArgument]) async throws -> RESPValue {
        switch RedisCommandRoute(command) {
        case .slot(let slot):
            return try await execute(slot: slot) { node, asking in
                asking ? try await node.pipeline([["ASKING"], command])[1].get() : try await node.send(command)
            }
        case .anyNode:
            return try await execute(slot: Self.anySlot()) { node, _ in try await node.send(command) }
        case .allPrimaries:
            return try await sendToEveryPrimary(command)
        case .crossSlot, .oneNodeOnly:
            throw Self.unroutable(command)
        }
    }

    /// Sends a blocking command (`XREADGROUP … BLOCK`) on a dedicated connection to the primary of its slot;
    /// after a failover the next call opens it on the new primary.
    nonisolated(nonsending) func sendBlocking(_ command: [RESPArgument], blockFor: TimeAmount?) async throws -> RESPValue {
        let slot: RedisHashSlot
        switch RedisCommandRoute(command) {
        case .slot(let keySlot): slot = keySlot
        case .anyNode, .allPrimaries: slot = Self.anySlot()
        case .crossSlot, .oneNodeOnly: throw Self.unroutable(command)
        }
        let timeout = blockFor.map { $0 + configuration.commandTimeout }
        return try await execute(slot: slot) { node, asking in
            guard asking else { return try await node.sendBlocking(command, blockFor: blockFor) }
            return try await node.withDedicatedConnection { connection in
                try await connection.pipeline([["ASKING"], command], timeout: timeout)[1].get()
            }
        }
    }

    /// Runs `body` on a connection of its own to the primary of `key`'s slot. A failure that says the map is stale
    /// (a redirect, a lost node) refreshes it before it reaches the caller, whose retry then goes to the right node.
    func withDedicatedConnection<T: Sendable>(
        forKey key: String,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (RedisConnection) async throws -> T
    ) async throws -> T {
        let slot = RedisHashSlot(key: key)
        guard let owner = try await topology().primary(for: slot) else {
            await refreshQuietly()
            throw RedisClientError(.unavailable, "no Redis cluster node serves slot \(slot) (of key \(key))")
        }
        do {
            return try await node(at: owner).client.withDedicatedConnection(isolation: isolation, body)
        } catch {
            switch failure(error, from: owner) {
            case .redirect(.moved(let movedSlot, let target)):
                state.withLock { $0.assign(movedSlot, to: target) }
                await refreshQuietly()
            case .redirect(.clusterDown), .unreachable, .connectionLost, .noOwner:
                await refreshQuietly()
            case .redirect(.ask), .redirect(.tryAgain), .other:
                break
            }
            throw error
        }
    }

    /// Runs `operation` on the node the retry state names, until it succeeds or the state says to fail.
    nonisolated(nonsending) func execute<T: Sendable>(
        slot: RedisHashSlot, _ operation: (RedisClient, _ asking: Bool) async throws -> T
    ) async throws -> T {
        var retry = RedisClusterRetryState(maxAttempts: configuration.clusterMaxAttempts)
        while true {
            let failure: RedisClusterRetryState.Failure
            let lastError: any Error
            var address: RedisNodeAddress?
            var asking = false
            switch retry.target {
            case .slotOwner:
                address = try await topology().primary(for: slot)
            case .node(let target, let ask):
                address = target
                asking = ask
            }
            if let address {
                do {
                    return try await operation(try node(at: address).client, asking)
                } catch {
                    failure = self.failure(error, from: address)
                    lastError = error
                }
            } else {
                failure = .noOwner
                lastError = RedisClientError(.unavailable, "no Redis cluster node serves slot \(slot)")
            }
            if case .redirect(.moved(let movedSlot, let target)) = failure {
                state.withLock { $0.assign(movedSlot, to: target) }
            }
            switch retry.next(after: failure) {
            case .retry(_, let delay, let refresh):
                if refresh { await refreshQuietly() }
                if delay > .zero { try await Task.sleep(for: delay) }
            case .fail(let refresh):
                if refresh { await refreshQuietly() }
                throw lastError
            case .giveUp(let refresh):
                if refresh { await refreshQuietly() }
                throw RedisClientError(.unavailable, "slot \(slot) unavailable after \(retry.attempts) attempts: \(RedisClient.reason(lastError))")
            }
        }
    }

    /// Refreshes the map when a failure suggests it changed; a failed refresh leaves the current map.
    nonisolated(nonsending) func refreshQuietly() async {
        _ = try? await refreshTopology()
    }

    /// What a failure from `node` means for the retry rules.
    func failure(_ error: any Error, from node: RedisNodeAddress) -> RedisClusterRetryState.Failure {
        switch error {
        case let error as RedisServerError:
            return RedisClusterRedirect(error, answeredBy: node).map { .redirect($0) } ?? .other
        case let error as RedisClientError:
            switch error.code {
            case .unavailable: return .unreachable
            case .shutdown: return state.withLock { $0.isShutdown } ? .other : .unreachable   // the node was retired
            case .connectionClosed, .timeout: return .connectionLost
            default: return .other
            }
        default:
            return .other
        }
    }

    /// `SCRIPT LOAD`, `FLUSHALL`…: once on every primary (each has its own script cache); the first reply.
    nonisolated(nonsending) private func sendToEveryPrimary(_ command: [RESPArgument]) async throws -> RESPValue {
        var first: RESPValue?
        for address in try await topology().primaries {
            let reply = try await node(at: address).client.send(command)
            first = first ?? reply
        }
        guard let first else { throw RedisClientError(.unavailable, "no Redis cluster node serves any slot") }
        return first
    }

    /// A slot for a command without keys: any primary will do.
    static func anySlot() -> RedisHashSlot {
        RedisHashSlot(Int.random(in: 0..<RedisHashSlot.count))!
    }

    /// Why `command` is not sent on a cluster: keys in different slots, or an answer about one node's keys only.
    static func unroutable(_ command: [RESPArgument]) -> RedisClientError {
        let name = command.first?.description ?? "command"
        guard case .crossSlot(let keys) = RedisCommandRoute(command) else {
            return RedisClientError(.unroutable, "\(name) answers for one node of a Redis Cluster only; send it to each primary")
        }
        return RedisClientError(.unroutable, "\(name) touches keys in different hash slots "
                                + "(\(keys.joined(separator: ", "))); on a cluster they need one {hash tag}")
    }
}
