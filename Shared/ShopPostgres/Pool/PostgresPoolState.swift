// ShopPostgres/Pool: the pool of connections: who holds which connection, who waits, closing, reconnect backoff.

/// The pool's bookkeeping as a value, kept behind the client's mutex and tested without a server: idle connections,
/// leases waiting in arrival order, leases cancelled before they were queued, the lent count, closing.
///
/// Each mutating call answers what the caller must do (hand a connection over, fail a waiter, wait); the caller
/// does it outside the lock. Generic over the connection and the waiter so tests use plain values.
struct PostgresPoolState<Connection, Waiter> {
    /// What a lease gets right away.
    enum LeaseAction {
        /// An idle connection, now lent.
        case use(Connection)
        /// None idle: the waiter was queued and gets one from `release`, or fails from `cancel` or `close`.
        case wait
        /// The client is closed, or the lease was cancelled before it could be queued.
        case fail(any Error)
    }

    /// What a released connection becomes.
    enum ReleaseAction {
        /// Handed straight to the first waiter (it stays lent).
        case handTo(Waiter, Connection)
        /// Back to the idle list; `allReturned` when the pool is closing and it was the last one lent.
        case idle(allReturned: Bool)
    }

    /// What `close()` must do.
    enum CloseAction {
        /// Already closed by an earlier call: nothing.
        case alreadyClosed
        /// Fail these waiters; wait for lent connections when `mustWait`, then close the idle ones.
        case close(failing: [Waiter], mustWait: Bool)
    }

    private var idle: [Connection]
    private var waiters: [(id: Int, waiter: Waiter)] = []
    /// Leases that asked for a connection and have not got one (or an error) yet.
    private var pendingLeases: Set<Int> = []
    /// Leases cancelled between asking and being queued: they fail when they get to `lease`.
    private var cancelledLeases: Set<Int> = []
    private var nextLeaseID = 0
    /// Connections lent out now.
    private(set) var lentCount = 0
    private(set) var isClosed = false
    /// When the last connect failed and when the next may be tried.
    var backoff = ReconnectBackoff()

    init(connections: [Connection]) {
        idle = connections
    }

    /// A new lease's id, pending until `lease` resolves it.
    mutating func newLease() -> Int {
        nextLeaseID += 1
        pendingLeases.insert(nextLeaseID)
        return nextLeaseID
    }

    /// A connection for lease `id` now, or `waiter` queued for the next released one.
    mutating func lease(_ id: Int, waiter: Waiter) -> LeaseAction {
        if isClosed {
            pendingLeases.remove(id)
            return .fail(Self.closedError)
        }
        if cancelledLeases.remove(id) != nil {
            pendingLeases.remove(id)
            return .fail(CancellationError())
        }
        if let connection = idle.popLast() {
            pendingLeases.remove(id)
            lentCount += 1
            return .use(connection)
        }
        waiters.append((id, waiter))
        return .wait
    }

    /// Lease `id` was cancelled: its waiter to fail with `CancellationError`, or nil when it is not queued (yet).
    mutating func cancel(_ id: Int) -> Waiter? {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else {
            if pendingLeases.contains(id) { cancelledLeases.insert(id) }
            return nil
        }
        pendingLeases.remove(id)
        return waiters.remove(at: index).waiter
    }

    /// A lent connection came back.
    mutating func release(_ connection: Connection) -> ReleaseAction {
        if !waiters.isEmpty {
            let next = waiters.removeFirst()
            pendingLeases.remove(next.id)
            return .handTo(next.waiter, connection)
        }
        lentCount -= 1
        idle.append(connection)
        return .idle(allReturned: isClosed && lentCount == 0)
    }

    /// Refuses new work from now on.
    mutating func close() -> CloseAction {
        guard !isClosed else { return .alreadyClosed }
        isClosed = true
        let failing = waiters.map(\.waiter)
        waiters = []
        pendingLeases = []
        return .close(failing: failing, mustWait: lentCount > 0)
    }

    /// The idle connections, to close once nothing is lent; the pool holds none afterwards.
    mutating func takeIdle() -> [Connection] {
        defer { idle = [] }
        return idle
    }

    static var closedError: PostgresError { PostgresError(.clientClosed, "the PostgreSQL client is shut down") }
}
