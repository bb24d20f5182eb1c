import ShopArchive
import ShopHTTP
import ShopService
import Synchronization

/// `POST /restore` (`Authorization: Bearer <ADMIN_TOKEN>`): after Redis lost its data, rebuilds it from the archive
/// (every topic's projection, versions and unique index, the append clock and stream ids, the live orders' stock
/// reservations). 409 while Redis still holds a topic's data or while another restore runs; nothing is written then.
/// `ordershop-client restore` (and so `make restore`) calls it.
final class RestoreRoutes: Sendable {
    let restore: ArchiveRestore
    let admin: AdminAuthorization
    /// True while a restore runs: a second one would race the first on the same empty keys.
    let running = Mutex(false)

    init(restore: ArchiveRestore, admin: AdminAuthorization) {
        self.restore = restore
        self.admin = admin
    }

    /// What was restored of one topic.
    struct TopicRestored: Codable, Sendable {
        var topic: String
        var events: Int
        var entities: Int
        /// The last archived entry id: new events continue after it (nil for a topic with no events).
        var lastEntryID: String?

        enum CodingKeys: String, CodingKey {
            case topic, events, entities
            case lastEntryID = "last_entry_id"
        }
    }

    /// The answer: each topic, and the events restored in all.
    struct Restored: Codable, Sendable {
        var topics: [TopicRestored]
        var events: Int
    }

    func register(_ router: inout Router) {
        router.post("/restore") { request in try await self.run(request) }
    }

    func run(_ request: Request) async throws -> Response {
        try admin.check(request)
        guard running.withLock({ running in
            defer { running = true }
            return !running
        }) else { throw HTTPError(.conflict, "a restore is already running") }
        defer { running.withLock { $0 = false } }
        do {
            let reports = try await restore.run()
            let topics = reports.map {
                TopicRestored(topic: $0.topic.rawValue, events: $0.events, entities: $0.entities, lastEntryID: $0.lastEntryID?.description)
            }
            return .json(Restored(topics: topics, events: topics.reduce(0) { $0 + $1.events }))
        } catch let error as ArchiveError where error.code == .redisNotEmpty {
            throw HTTPError(.conflict, error.message)
        }
    }
}
