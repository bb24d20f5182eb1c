import NIOCore

/// The cluster client's bookkeeping behind its mutex: the current map, the pools by node, the refresh under way.
struct RedisClusterState {
    enum Lifecycle {
        case idle, running, shutdown
    }

    private(set) var lifecycle = Lifecycle.idle
    /// The current map; nil until the first refresh.
    private(set) var topology: RedisClusterTopology?
    private(set) var nodes: [RedisNodeAddress: RedisClusterNode] = [:]
    /// The refresh under way, which every caller that needs one waits for instead of starting its own.
    private var refresh: EventLoopFuture<RedisClusterTopology>?
    private var lastRefresh: NIODeadline?

    mutating func start() throws {
        guard case .idle = lifecycle else { throw RedisClientError(.invalidConfiguration, "run() was already called on this client") }
        lifecycle = .running
    }

    var isShutdown: Bool {
        if case .shutdown = lifecycle { return true }
        return false
    }

    /// Every node, to retire once.
    mutating func shutdown() -> [RedisClusterNode] {
        lifecycle = .shutdown
        defer { nodes = [:] }
        return Array(nodes.values)
    }

    enum RefreshDecision {
        /// Fetch the map, then complete the promise (everyone else waits on its future).
        case fetch(EventLoopPromise<RedisClusterTopology>)
        /// A refresh is under way: wait for it.
        case wait(EventLoopFuture<RedisClusterTopology>)
        /// The map was refreshed less than `minimumInterval` ago: use it.
        case use(RedisClusterTopology)
    }

    /// Starts a refresh unless one is under way or the map is fresh enough.
    mutating func beginRefresh(eventLoop: any EventLoop, now: NIODeadline, minimumInterval: TimeAmount) throws -> RefreshDecision {
        if case .shutdown = lifecycle { throw RedisClientError(.shutdown, "the Redis client shut down") }
        if let refresh { return .wait(refresh) }
        if let topology, let lastRefresh, now - lastRefresh < minimumInterval { return .use(topology) }
        let promise = eventLoop.makePromise(of: RedisClusterTopology.self)
        refresh = promise.futureResult
        return .fetch(promise)
    }

    /// The refresh ended; with a map, it replaces the current one, and nodes that serve no slot any more are
    /// returned to be retired.
    mutating func endRefresh(_ fetched: RedisClusterTopology?, now: NIODeadline) -> [RedisClusterNode] {
        refresh = nil
        guard let fetched, !isShutdown else { return [] }
        topology = fetched
        lastRefresh = now
        let primaries = Set(fetched.primaries)
        let retired = nodes.filter { !primaries.contains($0.key) }
        for address in retired.keys { nodes[address] = nil }
        return Array(retired.values)
    }

    /// Records a `MOVED`: the slot's owner changed.
    mutating func assign(_ slot: RedisHashSlot, to node: RedisNodeAddress) {
        topology?.assign(slot, to: node)
    }

    /// The pool of `address`, made with `make` (and returned as new, to be started) when there is none yet.
    mutating func node(at address: RedisNodeAddress, make: (RedisNodeAddress) -> RedisClusterNode) throws -> (node: RedisClusterNode, isNew: Bool) {
        if case .shutdown = lifecycle { throw RedisClientError(.shutdown, "the Redis client shut down") }
        if let node = nodes[address] { return (node, false) }
        let node = make(address)
        nodes[address] = node
        return (node, true)
    }
}
