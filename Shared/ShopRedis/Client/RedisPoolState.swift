import NIOCore

/// The pool's bookkeeping, kept behind the client's mutex: slots, waiters, dedicated connections.
struct RedisPoolState {
    enum Lifecycle {
        case idle, running, shutdown
    }

    enum Acquire {
        case use(RedisConnection)
        case wait(id: Int, EventLoopPromise<RedisConnection>)
        case fail(RedisClientError)
    }

    private(set) var lifecycle = Lifecycle.idle
    private(set) var slots: [RedisConnection?]
    private var nextSlot = 0
    private var lastFailure: (any Error)?
    private var waiters: [Int: EventLoopPromise<RedisConnection>] = [:]
    private var nextWaiterID = 0
    private var idleDedicated: [RedisConnection] = []
    private var leased: [ObjectIdentifier: RedisConnection] = [:]

    init(poolSize: Int) {
        slots = Array(repeating: nil, count: poolSize)
    }

    mutating func start() throws {
        guard case .idle = lifecycle else { throw RedisClientError(.invalidConfiguration, "run() was already called on this client") }
        lifecycle = .running
    }

    /// Everything to close and every waiter to fail, once.
    mutating func shutdown() -> ([RedisConnection], [EventLoopPromise<RedisConnection>]) {
        lifecycle = .shutdown
        let connections = slots.compactMap { $0 } + idleDedicated + Array(leased.values)
        slots = slots.map { _ in nil }
        idleDedicated = []
        leased = [:]
        let pending = Array(waiters.values)
        waiters = [:]
        return (connections, pending)
    }

    mutating func acquire(eventLoop: any EventLoop, configuration: RedisConfiguration) -> Acquire {
        if case .shutdown = lifecycle { return .fail(RedisClientError(.shutdown, "the Redis client shut down")) }
        for _ in 0..<slots.count {
            let slot = nextSlot
            nextSlot = nextSlot + 1 == slots.count ? 0 : nextSlot + 1
            if let connection = slots[slot], connection.isActive { return .use(connection) }
        }
        if case .running = lifecycle, let lastFailure {
            return .fail(RedisClientError(.unavailable, "Redis at \(configuration.host):\(configuration.port) is unreachable: \(RedisClient.reason(lastFailure))"))
        }
        let id = nextWaiterID
        nextWaiterID += 1
        let promise = eventLoop.makePromise(of: RedisConnection.self)
        waiters[id] = promise
        return .wait(id: id, promise)
    }

    mutating func removeWaiter(_ id: Int) {
        waiters[id] = nil
    }

    /// A slot connected: the failure is over and every waiter may use the connection.
    mutating func install(_ connection: RedisConnection, slot: Int) -> [EventLoopPromise<RedisConnection>] {
        guard case .running = lifecycle else {
            connection.channel.close(promise: nil)
            return []
        }
        slots[slot] = connection
        lastFailure = nil
        let ready = Array(waiters.values)
        waiters = [:]
        return ready
    }

    mutating func remove(slot: Int, connection: RedisConnection) {
        if slots[slot] === connection { slots[slot] = nil }
    }

    /// A connection attempt failed: if no slot is live, waiters fail now instead of waiting out their timeout.
    mutating func recordFailure(_ error: any Error) -> [EventLoopPromise<RedisConnection>] {
        lastFailure = error
        guard !slots.contains(where: { $0?.isActive == true }) else { return [] }
        let failed = Array(waiters.values)
        waiters = [:]
        return failed
    }

    mutating func leaseIdleDedicated() throws -> RedisConnection? {
        if case .shutdown = lifecycle { throw RedisClientError(.shutdown, "the Redis client shut down") }
        guard let connection = idleDedicated.popLast() else { return nil }
        leased[ObjectIdentifier(connection)] = connection
        return connection
    }

    mutating func registerLeased(_ connection: RedisConnection) -> Bool {
        if case .shutdown = lifecycle { return false }
        leased[ObjectIdentifier(connection)] = connection
        return true
    }

    mutating func forgetLeased(_ connection: RedisConnection) {
        leased[ObjectIdentifier(connection)] = nil
    }

    /// Takes a dedicated connection back; false when the caller must close it.
    ///
    /// Kept before `run()` has started too (dedicated leases do not wait for it): `shutdown()` closes it then.
    mutating func returnDedicated(_ connection: RedisConnection, keep: Bool, maxIdle: Int) -> Bool {
        guard leased.removeValue(forKey: ObjectIdentifier(connection)) != nil else { return false }
        if case .shutdown = lifecycle { return false }
        guard keep, idleDedicated.count < maxIdle else { return false }
        idleDedicated.append(connection)
        return true
    }
}
