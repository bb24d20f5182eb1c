import ShopArchive
import ShopEventStore
import ShopHTTP
import ShopPostgres

/// archive-service's routes: `GET /events` (archive queries) and `GET /status` (streams, groups, trimming, archiver).
struct ArchiveRoutes: Sendable {
    let archive: EventArchive
    let store: EventStore
    let archiver: Archiver?

    /// Routes over `archive`; `store` and `archiver` feed `/status`.
    init(archive: EventArchive, store: EventStore, archiver: Archiver?) {
        self.archive = archive
        self.store = store
        self.archiver = archiver
    }

    /// Adds the routes to `router`.
    func register(_ router: inout Router) {
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
            request.logger.error("event query failed", metadata: ["error.message": "\(error)"])
            throw HTTPError(.serviceUnavailable, "the event archive is unavailable")
        }
    }

    /// What `/status` answers here: the store's status (streams, groups, trimming), plus the archiving state.
    struct Status: Encodable {
        var store: StoreStatus
        var archiver: ArchiverStatus?

        enum CodingKeys: String, CodingKey {
            case archiver
        }

        func encode(to encoder: any Encoder) throws {
            try store.encode(to: encoder)  // the store's keys at the top level, as gateway-api shows them
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(archiver, forKey: .archiver)
        }
    }

    func status() async throws -> Response {
        .json(Status(store: try await store.status(), archiver: archiver?.status))
    }
}
