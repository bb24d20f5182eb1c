// ShopHTTP/Client: the keep-alive HTTP/1.1 client for service-to-service calls and its bounded connection pool.

import DequeModule
import NIOCore

/// Bookkeeping of one upstream's connections, always behind the client's mutex.
struct ClientConnectionPool: ~Copyable {
    /// A connection and whether it already served a request (only reused ones are retried).
    struct Lease {
        let connection: ClientConnection
        let isReused: Bool
    }

    struct Waiter {
        let id: Int
        let promise: EventLoopPromise<Lease?>
    }

    /// What `acquire` decided.
    enum Acquisition {
        case reuse(Lease)
        /// Room for a new connection: the caller connects (the slot is already counted).
        case connect
        case wait(Waiter)
        case shutdown
    }

    let limit: Int
    var idle: [ClientConnection] = []
    var open = 0
    var waiters: Deque<Waiter> = []
    var nextWaiterID = 0
    var isShutdown = false

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Hands out an idle connection still open (closed ones leave the pool in `stale`, for the caller to close).
    mutating func acquire(stale: inout [ClientConnection], makePromise: () -> EventLoopPromise<Lease?>) -> Acquisition {
        if self.isShutdown { return .shutdown }
        while let connection = self.idle.popLast() {
            if connection.channel.isActive { return .reuse(Lease(connection: connection, isReused: true)) }
            // Closed by the upstream, and its close callback has not run yet.
            self.open -= 1
            stale.append(connection)
        }
        if self.open < self.limit {
            self.open += 1
            return .connect
        }
        self.nextWaiterID += 1
        let waiter = Waiter(id: self.nextWaiterID, promise: makePromise())
        self.waiters.append(waiter)
        return .wait(waiter)
    }

    /// A healthy connection is free again: hand it to the oldest waiter or keep it idle.
    mutating func release(_ connection: ClientConnection) -> (Waiter, Lease)? {
        if self.isShutdown {
            self.open -= 1
            return nil
        }
        if let waiter = self.waiters.popFirst() {
            return (waiter, Lease(connection: connection, isReused: true))
        }
        self.idle.append(connection)
        return nil
    }

    /// A connection is gone (or never came): its slot goes to the oldest waiter, who must connect anew.
    mutating func discard() -> Waiter? {
        if !self.isShutdown, let waiter = self.waiters.popFirst() {
            return waiter
        }
        self.open -= 1
        return nil
    }

    /// An idle connection closed by the upstream leaves the pool.
    mutating func remove(_ connection: ClientConnection) {
        if let index = self.idle.firstIndex(where: { $0 === connection }) {
            self.idle.remove(at: index)
            self.open -= 1
        }
    }

    /// Takes every idle connection out of the pool, for the caller to close.
    mutating func dropIdle() -> [ClientConnection] {
        defer {
            self.open -= self.idle.count
            self.idle = []
        }
        return self.idle
    }

    mutating func removeWaiter(id: Int) -> Waiter? {
        guard let index = self.waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return self.waiters.remove(at: index)
    }

    mutating func shutdown() -> (idle: [ClientConnection], waiters: [Waiter]) {
        self.isShutdown = true
        defer {
            self.open -= self.idle.count
            self.idle = []
            self.waiters = []
        }
        return (self.idle, Array(self.waiters))
    }
}
