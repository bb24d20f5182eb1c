import ShopEventStore
import ShopHTTP
import ShopPostgres

/// archive-service's routes: `GET /events` (archive queries) and `GET /status` (streams, groups, trimming, archiver).
public struct ArchiveRoutes: Sendable {
    let archive: EventArchive
    let store: EventStore
    let archiver: Archiver?

    /// Routes over `archive`; `store` and `archiver` feed `/status`.
    public init(archive: EventArchive, store: EventStore, archiver: Archiver?) {
        self.archive = archive
        self.store = store
        self.archiver = archiver
    }

    /// Adds the routes to `router`.
    public func register(_ router: inout Router) {
        router.get("/events") { request in try await self.events(request) }
        router.get("/status") { _ in try await self.status() }
    }

    /// `GET /events?topic=&action=&aggregate_id=&after=&limit=&contains=` → `{"events":[…],"next":…}`.
    func events(_ request: Request) async throws -> Response {
        do {
            let query = try EventQuery(parameters: request.query)
            return .json(bytes: try await archive.page(query).jsonBody())
        } catch let error as ArchiveError where error.code == .badQuery {
            throw HTTPError(.badRequest, error.message)
        } catch let error as PostgresError {
            request.logger.error("event query failed", metadata: ["error": "\(error)"])
            throw HTTPError(.serviceUnavailable, "the event archive is unavailable")
        }
    }

    /// What `/status` answers here: the store's streams and groups, plus the trimming and archiving state.
    struct Status: Encodable {
        var streams: [StreamStatus]
        var deadLetters: [String: Int]
        var trimming: [ArchiveTrimReport]
        var archiver: ArchiverStatus?

        enum CodingKeys: String, CodingKey {
            case streams, trimming, archiver
            case deadLetters = "dead_letters"
        }
    }

    func status() async throws -> Response {
        let store = try await self.store.status()
        return .json(Status(streams: store.streams, deadLetters: store.deadLetters,
                            trimming: try await self.store.archiveTrimReports(), archiver: archiver?.status))
    }
}
