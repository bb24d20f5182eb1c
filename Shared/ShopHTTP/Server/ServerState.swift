// ShopHTTP/Server: the HTTP/1.1 server: listening, one handler per connection, limits, deadlines, graceful shutdown.

import NIOCore

/// The server's lifecycle and open connections, always behind the server's mutex.
struct ServerState: ~Copyable {
    enum Phase {
        case starting
        case running(port: Int, channel: any Channel)
        case stopping(port: Int)
        case stopped
        case failed(any Error)
    }

    enum Admission { case admit, refuse }

    var phase: Phase = .starting
    var shutdownRequestedEarly = false
    var connections: [ObjectIdentifier: any Channel] = [:]
    var portWaiters: [CheckedContinuation<Int, any Error>] = []
    var drainWaiters: [CheckedContinuation<Void, Never>] = []

    mutating func bound(port: Int, channel: any Channel) -> ([CheckedContinuation<Int, any Error>], stopAtOnce: Bool) {
        self.phase = .running(port: port, channel: channel)
        defer { self.portWaiters = [] }
        return (self.portWaiters, self.shutdownRequestedEarly)
    }

    mutating func failed(_ error: any Error) -> [CheckedContinuation<Int, any Error>] {
        self.phase = .failed(error)
        defer { self.portWaiters = [] }
        return self.portWaiters
    }

    mutating func stopped() {
        self.phase = .stopped
    }

    /// The port when bound; nil after queueing the waiter until it is.
    mutating func port(orWait waiter: CheckedContinuation<Int, any Error>) -> Result<Int, any Error>? {
        switch self.phase {
        case .starting:
            self.portWaiters.append(waiter)
            return nil
        case .running(let port, _), .stopping(let port):
            return .success(port)
        case .stopped:
            return .failure(HTTPServerError("the server has stopped"))
        case .failed(let error):
            return .failure(error)
        }
    }

    mutating func admit(_ channel: any Channel, limit: Int) -> Admission {
        guard case .running = self.phase, self.connections.count < limit else { return .refuse }
        self.connections[ObjectIdentifier(channel)] = channel
        return .admit
    }

    mutating func remove(_ key: ObjectIdentifier) -> [CheckedContinuation<Void, Never>] {
        self.connections[key] = nil
        guard self.connections.isEmpty, case .stopping = self.phase else { return [] }
        defer { self.drainWaiters = [] }
        return self.drainWaiters
    }

    /// Returns the listening channel to close (nil when already stopping) and the connections to quiesce.
    mutating func beginStopping() -> (channel: (any Channel)?, connections: [any Channel]) {
        switch self.phase {
        case .running(let port, let channel):
            self.phase = .stopping(port: port)
            return (channel, Array(self.connections.values))
        case .starting:
            self.shutdownRequestedEarly = true
            return (nil, [])
        case .stopping:
            return (nil, Array(self.connections.values))
        case .stopped, .failed:
            return (nil, [])
        }
    }

    /// True when no connection is open any more; otherwise the waiter is resumed when the last one closes.
    mutating func waitForNoConnections(_ waiter: CheckedContinuation<Void, Never>) -> Bool {
        if self.connections.isEmpty { return true }
        self.drainWaiters.append(waiter)
        return false
    }
}
