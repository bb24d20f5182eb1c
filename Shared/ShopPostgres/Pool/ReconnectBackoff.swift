// ShopPostgres/Pool: the pool of connections: who holds which connection, who waits, closing, reconnect backoff.

import ShopBasics

/// When the client may try to connect again after failed attempts: 100 ms, doubling, at most 2 s.
///
/// Between attempts, calls fail at once with `.unavailable` instead of each waiting for a connect timeout.
struct ReconnectBackoff: Sendable {
    var initialDelay: Duration = .milliseconds(100)
    var maximumDelay: Duration = .seconds(2)
    private(set) var consecutiveFailures = 0
    private(set) var retryAt: ContinuousClock.Instant?
    private var lastError: PostgresError?

    /// May a call connect now? If not, the error to fail with.
    func permission(at now: ContinuousClock.Instant) -> PostgresConnection.ConnectPermission {
        guard let retryAt, now < retryAt else { return .allowed }
        let milliseconds = (retryAt - now).milliseconds()
        let reason = lastError?.message ?? "connecting failed"
        return .refused(PostgresError(.unavailable, "PostgreSQL is unreachable, next attempt in \(milliseconds) ms (\(reason))"))
    }

    mutating func recordFailure(_ error: PostgresError, at now: ContinuousClock.Instant) {
        consecutiveFailures += 1
        lastError = error
        var delay = initialDelay
        for _ in 1..<min(consecutiveFailures, 16) where delay < maximumDelay { delay *= 2 }
        retryAt = now + min(delay, maximumDelay)
    }

    mutating func recordSuccess() {
        consecutiveFailures = 0
        retryAt = nil
        lastError = nil
    }
}
