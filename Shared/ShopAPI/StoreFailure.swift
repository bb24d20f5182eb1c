import ShopDomain
import ShopEventStore
import ShopHTTP

/// How failures of the event store reach a client: its refusals as 404/409/400, Redis being away as 503; anything
/// else stays as it is (the server turns it into a logged generic 500).
public enum StoreFailure {
    /// The public error for `error` raised while handling `topic`'s entities.
    public static func translate(_ error: any Error, topic: Topic) -> any Error {
        guard let error = error as? EventStoreError else { return error }
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
        case .unavailable, .outcomeUnknown:
            return HTTPError(.serviceUnavailable, "the event store is unavailable, try again")
        case .notReplicated:
            return HTTPError(.serviceUnavailable, "the \(topic.rawValue) change was written but no Redis replica confirmed it "
                             + "in time, so it may be lost if the primary fails now: check whether it is there before trying again")
        case .corruptEvent, .concurrentWrites, .unexpectedReply, .refused:
            return error
        }
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
}
