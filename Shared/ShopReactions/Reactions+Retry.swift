import Logging
import ServiceLifecycle
import ShopEventStore

extension Reactions {
    /// Longest pause between two attempts while msg-service or Redis is away.
    static let maxRetryDelay = Duration.seconds(5)

    /// Runs `body` until it succeeds or fails for good. While msg-service or Redis is away the event waits here,
    /// backing off, rather than spending its deliveries (a few failed ones would dead-letter it and lose the message);
    /// a graceful shutdown ends the wait with `CancellationError`, leaving the entry pending for the next start.
    static func retryingWhileUnavailable(_ event: StoredEvent, logger: Logger, _ body: () async throws -> Void) async throws {
        var delay = Duration.milliseconds(100)
        while true {
            do {
                try await body()
                return
            } catch where isTransient(error) {
                if Task.isShuttingDownGracefully || Task.isCancelled { throw CancellationError() }
                logger.warning("message not sent yet, retrying", metadata: [
                    "event.id": "\(event.eventID)", "retry.delay": "\(delay)", "error.message": "\(error)",
                ])
                let pause = delay
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
                if Task.isShuttingDownGracefully { throw CancellationError() }
                delay = min(delay * 2, maxRetryDelay)
            }
        }
    }

    /// Failures that go away by themselves: msg-service down or overloaded, Redis unreachable or loading.
    static func isTransient(_ error: any Error) -> Bool {
        switch error {
        case let error as ReactionError:
            return error.code == .unavailable
        case let error as EventStoreError:
            return error.code == .unavailable || error.code == .outcomeUnknown
        default:
            return false
        }
    }
}
