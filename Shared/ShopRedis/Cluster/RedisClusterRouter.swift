import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The cluster side of `RedisClient`: the slot map (from `CLUSTER SHARDS`, refreshed on start, on `MOVED` and
/// after failures), one pool per primary, and the redirect rules of `RedisClusterRetryState` applied to each command.
final class RedisClusterRouter: Sendable {
    let configuration: RedisConfiguration
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    let state = Mutex(RedisClusterState())
    /// New pools for `run()` to start; buffered, so pools made before `run()` start with it.
    private let startedNodes: AsyncStream<RedisClusterNode>
    private let startNode: AsyncStream<RedisClusterNode>.Continuation
    /// Refreshes closer together than this reuse the last map (many commands fail together in a failover).
    static let minimumRefreshInterval = TimeAmount.milliseconds(50)
    /// How often `run()` refreshes the map when nothing asked for it.
    static let periodicRefresh = Duration.seconds(5)

    init(configuration: RedisConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        (startedNodes, startNode) = AsyncStream.makeStream(of: RedisClusterNode.self)
    }

    /// Reads the map, runs every primary's pool (starting pools as nodes appear, stopping them as they leave)
    /// until cancelled or graceful shutdown.
    func run() async throws {
        try state.withLock { try $0.start() }
        logger.info("Redis cluster client starting", metadata: ["redis.seeds": "\(configuration.clusterSeeds.map(\.description).joined(separator: ","))"])
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.keepTopologyFresh() }
                for await node in self.startedNodes {
                    group.addTask { await self.run(node) }
                }
            }
        }
        for node in state.withLock({ $0.shutdown() }) { node.retireNode() }
        startNode.finish()
        logger.info("Redis cluster client stopped")
    }

    private func run(_ node: RedisClusterNode) async {
        logger.debug("Redis cluster node pool starting", metadata: ["redis.node": "\(node.address)"])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await node.client.run() }
            group.addTask { for await _ in node.retirement {} }
            await group.next()
            group.cancelAll()
        }
    }

    /// The first map as soon as a node answers (retrying with backoff), then a refresh now and then.
    private func keepTopologyFresh() async {
        var delay = Duration.milliseconds(50)
        while !Task.isCancelled {
            do {
                _ = try await refreshTopology()
                try? await Task.sleep(for: Self.periodicRefresh)
                delay = .milliseconds(50)
            } catch {
                logger.warning("Redis cluster topology unavailable, retrying", metadata: ["error.message": "\(RedisClient.reason(error))"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            }
        }
    }

    /// The current map, read from the seeds first if there is none yet.
    /// The map as last read (nil before the first), without waiting or reading it again.
    var currentTopology: RedisClusterTopology? { state.withLock { $0.topology } }

    nonisolated(nonsending) func topology() async throws -> RedisClusterTopology {
        if let topology = state.withLock({ $0.topology }) { return topology }
        return try await refreshTopology()
    }

    /// Reads the map again (one refresh at a time; concurrent callers share it) and retires nodes that left it.
    @discardableResult
    nonisolated(nonsending) func refreshTopology() async throws -> RedisClusterTopology {
        let decision = try state.withLock {
            try $0.beginRefresh(eventLoop: eventLoopGroup.any(), now: .now(), minimumInterval: Self.minimumRefreshInterval)
        }
        switch decision {
        case .use(let topology):
            return topology
        case .wait(let future):
            return try await future.get()
        case .fetch(let promise):
            do {
                let topology = try await fetchTopology()
                let (previous, retired) = state.withLock { ($0.topology, $0.endRefresh(topology, now: .now())) }
                if previous?.primaries != topology.primaries {
                    logger.info("Redis cluster map read", metadata: [
                        "redis.primaries": "\(topology.primaries.map(\.description).joined(separator: ","))",
                        "redis.all_slots_served": "\(topology.coversAllSlots)",
                    ])
                }
                for node in retired {
                    logger.info("Redis cluster node left the map", metadata: ["redis.node": "\(node.address)"])
                    node.retireNode()
                }
                promise.succeed(topology)
                return topology
            } catch {
                _ = state.withLock { $0.endRefresh(nil, now: .now()) }
                promise.fail(error)
                throw error
            }
        }
    }

    /// Asks the known nodes, then the seeds, for `CLUSTER SHARDS` (`CLUSTER SLOTS` before Redis 7) until one answers.
    private func fetchTopology() async throws -> RedisClusterTopology {
        var candidates: [RedisNodeAddress] = []
        if let known = state.withLock({ $0.topology }) {
            candidates = known.primaries + known.shards.flatMap(\.replicas)
        }
        for seed in configuration.clusterSeeds where !candidates.contains(seed) { candidates.append(seed) }
        var failures: [String] = []
        for address in candidates {
            do {
                var options = nodeConfiguration(address)
                options.connectTimeout = min(options.connectTimeout, .seconds(2))
                options.clientName = nil
                let connection = try await RedisConnection.connect(configuration: options, eventLoop: eventLoopGroup.any(), logger: logger)
                defer { connection.channel.close(promise: nil) }
                let topology: RedisClusterTopology
                do {
                    topology = try RedisClusterTopology(shardsReply: try await connection.send("CLUSTER", "SHARDS"), answeredBy: address)
                } catch let error as RedisServerError where error.prefix == "ERR" && !error.message.contains("cluster support disabled") {
                    topology = try RedisClusterTopology(slotsReply: try await connection.send("CLUSTER", "SLOTS"), answeredBy: address)
                }
                guard !topology.shards.isEmpty else {
                    failures.append("\(address): no slot assigned")
                    continue
                }
                return topology
            } catch {
                failures.append("\(address): \(RedisClient.reason(error))")
            }
        }
        throw RedisClientError(.unavailable, "no Redis cluster node answered with the slot map (\(failures.joined(separator: "; ")))")
    }

    /// The configuration of one node's pool: this client's, at the node's address, without cluster mode.
    func nodeConfiguration(_ address: RedisNodeAddress) -> RedisConfiguration {
        var options = configuration
        options.host = address.host
        options.port = address.port
        options.clusterSeeds = []
        return options
    }

    /// The pool of `address`, made (and handed to `run()`) the first time it is needed.
    func node(at address: RedisNodeAddress) throws -> RedisClusterNode {
        let (node, isNew) = try state.withLock {
            try $0.node(at: address) { address in
                RedisClusterNode(address: address, client: RedisClient(configuration: nodeConfiguration(address),
                                                                        eventLoopGroup: eventLoopGroup, logger: logger))
            }
        }
        if isNew { startNode.yield(node) }
        return node
    }
}
