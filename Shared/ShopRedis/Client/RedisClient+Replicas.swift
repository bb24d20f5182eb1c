import NIOCore

extension RedisClient {
    /// How many replicas a write to `keys` must reach: `minReplicas` when configured; otherwise, on a cluster, 1
    /// when the primary of the first key's slot has a replica not marked failed in the current map (0 when it has none: after
    /// a failover that left it alone), and 0 on a single server.
    public func replicasRequired(forKeys keys: [RESPArgument]) -> Int {
        if let required = configuration.minReplicas { return required }
        guard let cluster, let slot = keys.first?.hashSlot,
              let shard = cluster.currentTopology?.shard(for: slot) else { return 0 }
        return min(1, shard.liveReplicas)
    }

    /// Runs a script that writes, then waits for `replicasRequired(forKeys:)` replicas to hold it (`WAIT`, on the
    /// same connection, at most `replicaWaitTimeout`); `.notReplicated` when they do not. On a cluster a shortfall
    /// reads the map again, so a replica that the cluster has since marked failed is not waited for next time.
    nonisolated(nonsending) public func evalSHAReplicated(_ script: RedisScript, keys: [RESPArgument], arguments: [RESPArgument]) async throws -> RESPValue {
        let replicas = replicasRequired(forKeys: keys)
        do {
            return try await evalSHA(script, keys: keys, arguments: arguments, waitingFor: replicas, timeout: configuration.replicaWaitTimeout)
        } catch let error as RedisClientError where error.code == .notReplicated {
            if let cluster { await cluster.refreshQuietly() }
            throw error
        }
    }
}
