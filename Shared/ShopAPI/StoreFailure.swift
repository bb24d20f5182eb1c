import ShopDomain
import ShopEventStore
import ShopHTTP
import ShopRedis

/// How failures of the event store and of Redis reach a client: the store's refusals as 404/409/400, Redis being
/// away as 503; anything else stays as it is (the server turns it into a logged generic 500).
public enum StoreFailure {
    /// The public error for `error` raised while handling `topic`'s entities.
    public static func translate(_ error: any Error, topic: Topic) -> any Error {
        switch error {
        case let error as HTTPError:
            return error
        case let error as EventStoreError:
            return translate(error, topic: topic)
        case let error as RedisClientError:
            switch error.code {
            case .connectionClosed, .timeout, .unavailable, .shutdown:
                return HTTPError(.serviceUnavailable, "the event store is unavailable, try again")
            case .notReplicated:
                return HTTPError(.serviceUnavailable, "the \(topic.rawValue) change was written but no Redis replica confirmed it "
                                 + "in time, so it may be lost if the primary fails now: check whether it is there before trying again")
            default:
                return error
            }
        case let error as RedisServerError where ["LOADING", "BUSY", "MASTERDOWN", "READONLY", "OOM", "TRYAGAIN", "CLUSTERDOWN"].contains(error.prefix):
            return HTTPError(.serviceUnavailable, "the event store is unavailable, try again")
        default:
            return error
        }
    }

    /// Whether the write certainly did not happen (so its preparations may be undone): false when the connection
    /// broke after the command was sent, where only a later check can tell.
    public static func isDefinite(_ error: any Error) -> Bool {
        guard let error = error as? RedisClientError else { return true }
        // .notReplicated: the write ran on the primary (only its survival is in doubt).
        return error.code != .connectionClosed && error.code != .timeout && error.code != .notReplicated
    }

    /// Runs `body`, translating what it throws.
    @discardableResult
    public static func translating<T>(topic: Topic, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw translate(error, topic: topic)
        }
    }

    private static func translate(_ error: EventStoreError, topic: Topic) -> any Error {
        switch error.code {
        case .notFound(let id):
            return HTTPError(.notFound, "no \(topic.rawValue) with id \(id)")
        case .duplicate(let field):
            let value = error.message.split(separator: " ").last.map(String.init) ?? ""
            return HTTPError(.conflict, "another \(topic.rawValue) already has \(field) \(value)")
        case .versionConflict, .outOfStock, .alreadyReserved, .alreadyExists:
            return HTTPError(.conflict, error.message)
        case .invalidInput:
            return HTTPError(.badRequest, error.message)
        case .corruptEvent, .concurrentWrites, .unexpectedReply:
            return error
        }
    }
}
