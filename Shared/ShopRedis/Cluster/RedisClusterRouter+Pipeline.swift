import NIOCore

extension RedisClusterRouter {
    /// Splits the commands by the primary of their slot and sends one pipeline to each node at once; replies come
    /// back in the caller's order. Commands of one node keep their order; a command answered with a redirect (or
    /// whose node could not be reached) is then sent again on its own, in the caller's order, following the redirect.
    nonisolated(nonsending) func pipeline(_ commands: [[RESPArgument]]) async throws -> [Result<RESPValue, RedisServerError>] {
        guard !commands.isEmpty else { return [] }
        let routes = commands.map { RedisCommandRoute($0) }
        var slots: [RedisHashSlot?] = []
        slots.reserveCapacity(commands.count)
        for (command, route) in zip(commands, routes) {
            switch route {
            case .slot(let slot): slots.append(slot)
            case .anyNode: slots.append(nil)
            case .allPrimaries: slots.append(nil)
            case .crossSlot, .oneNodeOnly: throw Self.unroutable(command)
            }
        }
        let topology = try await topology()
        let plan = RedisClusterPipelinePlan(slots: slots, isolated: routes.map { $0 == .allPrimaries }, topology: topology)
        var results = [Result<RESPValue, RedisServerError>?](repeating: nil, count: commands.count)
        if plan.batches.count == 1, let batch = plan.batches.first {
            fill(&results, batch, with: try await sendBatch(batch, commands))
        } else if !plan.batches.isEmpty {
            try await withThrowingTaskGroup(of: (RedisClusterPipelinePlan.Batch, [Result<RESPValue, RedisServerError>]?).self) { group in
                for batch in plan.batches {
                    group.addTask { (batch, try await self.sendBatch(batch, commands)) }
                }
                for try await (batch, replies) in group { fill(&results, batch, with: replies) }
            }
        }
        // Redirected, unreachable or unrouted commands: one at a time through the redirect rules, in order.
        for index in results.indices where Self.needsResend(results[index]) {
            do {
                results[index] = .success(try await send(commands[index]))
            } catch let error as RedisServerError {
                results[index] = .failure(error)
            }
        }
        return results.map { $0! }
    }

    /// One node's share of a pipeline; nil when the node could not be reached (nothing was sent).
    private func sendBatch(_ batch: RedisClusterPipelinePlan.Batch, _ commands: [[RESPArgument]]) async throws -> [Result<RESPValue, RedisServerError>]? {
        do {
            return try await node(at: batch.node).client.pipeline(batch.indices.map { commands[$0] })
        } catch {
            guard failure(error, from: batch.node) == .unreachable else { throw error }
            return nil
        }
    }

    private func fill(_ results: inout [Result<RESPValue, RedisServerError>?], _ batch: RedisClusterPipelinePlan.Batch, with replies: [Result<RESPValue, RedisServerError>]?) {
        guard let replies else { return }
        for (index, reply) in zip(batch.indices, replies) {
            if case .failure(let error) = reply, case .moved(let slot, let node)? = RedisClusterRedirect(error, answeredBy: batch.node) {
                state.withLock { $0.assign(slot, to: node) }
            }
            results[index] = reply
        }
    }

    private static func needsResend(_ result: Result<RESPValue, RedisServerError>?) -> Bool {
        guard let result else { return true }
        if case .failure(let error) = result, ["MOVED", "ASK", "TRYAGAIN", "CLUSTERDOWN"].contains(error.prefix) { return true }
        return false
    }
}

/// How a pipeline is split: one batch of command indices (in the caller's order) per primary; commands whose slot
/// has no owner, and fan-out commands, are left out to be sent on their own.
struct RedisClusterPipelinePlan: Sendable {
    struct Batch: Sendable {
        var node: RedisNodeAddress
        var indices: [Int]
    }

    private(set) var batches: [Batch] = []

    /// `slots[i]` is command i's slot (nil: no key, it joins the first batch); `isolated[i]` keeps it out of every batch.
    init(slots: [RedisHashSlot?], isolated: [Bool], topology: RedisClusterTopology) {
        var byNode: [RedisNodeAddress: Int] = [:]
        var keyless: [Int] = []
        for (index, slot) in slots.enumerated() where !isolated[index] {
            guard let slot else {
                keyless.append(index)
                continue
            }
            guard let node = topology.primary(for: slot) else { continue }
            if let batch = byNode[node] {
                batches[batch].indices.append(index)
            } else {
                byNode[node] = batches.count
                batches.append(Batch(node: node, indices: [index]))
            }
        }
        guard !keyless.isEmpty else { return }
        if batches.isEmpty, let node = topology.primaries.first {
            batches.append(Batch(node: node, indices: []))
        }
        guard !batches.isEmpty else { return }
        batches[0].indices = (batches[0].indices + keyless).sorted()
    }
}
