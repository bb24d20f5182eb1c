import Foundation
import ShopAPI
import ShopDomain
import ShopEventStore
import ShopHTTP

/// `GET /history/{topic}/{id}`: every event of one entity, from Redis and from the PostgreSQL archive (each event
/// says where it was found), and its current projection beside the fold of those events, with the fields that
/// differ listed (`matches` false), never hidden.
struct HistoryRoutes: Sendable {
    let store: EventStore
    let archive: HTTPClient

    func register(_ router: inout Router) {
        router.get("/history/{topic}/{id}") { request in try await history(request) }
    }

    func history(_ request: Request) async throws -> Response {
        let topic = try DeadLetterRoutes.topic(named: request.parameters["topic"] ?? "")
        let id = try request.entityID()
        let (fromRedis, projectionJSON, projectionVersion) = try await StoreFailure.translating(topic: topic) {
            (try await store.history(topic, id: id), try await store.readJSON(topic, ids: [id]), try await store.version(topic, id: id))
        }
        let archived = await archivedEvents(topic, id: id)

        var byEventID: [String: (event: [String: Any], sources: [String])] = [:]
        for event in fromRedis.events {
            let object = (try? JSONSerialization.jsonObject(with: Data(EventJSON.json(event).readableBytesView))) as? [String: Any] ?? [:]
            byEventID[event.eventID] = (object, ["redis"])
        }
        for object in archived.events {
            guard let eventID = object["event_id"] as? String else { continue }
            if byEventID[eventID] != nil { byEventID[eventID]?.sources.append("archive") } else { byEventID[eventID] = (object, ["archive"]) }
        }
        let ordered = byEventID.values.sorted { left, right in
            let a = (left.event["entry_id"] as? String).flatMap(EntryID.init) ?? .zero
            let b = (right.event["entry_id"] as? String).flatMap(EntryID.init) ?? .zero
            return a < b
        }
        var fold: [String: Any]?
        var foldVersion: Int?
        for item in ordered {
            switch item.event["action"] as? String {
            case "deleted": fold = nil
            default: fold = item.event["entity"] as? [String: Any]
            }
            foldVersion = item.event["version"] as? Int
        }
        let projectionArray = (try? JSONSerialization.jsonObject(with: Data(projectionJSON))) as? [Any]
        let projection = projectionArray?.first as? [String: Any]
        let differences = Self.differences(projection: projection, fold: fold)

        let answer: [String: Any] = [
            "topic": topic.rawValue, "id": id,
            "events": ordered.map { item in item.event.merging(["sources": item.sources]) { _, new in new } },
            "redis": ["count": fromRedis.events.count, "scanned": fromRedis.scanned, "complete": fromRedis.complete],
            "archive": archived.error.map { ["count": 0, "available": false, "error": $0] as [String: Any] }
                ?? ["count": archived.events.count, "available": true],
            "projection": projection ?? NSNull(), "projection_version": projectionVersion ?? NSNull(),
            "fold": fold ?? NSNull(), "fold_version": (fold == nil ? nil : foldVersion) ?? NSNull(),
            "differences": differences, "matches": differences.isEmpty && (projection == nil) == (fold == nil),
        ]
        let data = try JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys, .withoutEscapingSlashes])
        return .json(bytes: ByteBuffer(bytes: data))
    }

    /// The archive's events of the entity, or why there are none (archive-service unreachable, no archive).
    func archivedEvents(_ topic: Topic, id: String) async -> (events: [[String: Any]], error: String?) {
        do {
            let response = try await archive.execute(.GET, "/events?topic=\(topic.rawValue)&aggregate_id=\(id)&limit=10000")
            guard response.status == .ok else { return ([], "archive-service answered \(response.status.code)") }
            let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
            return ((object?["events"] as? [[String: Any]]) ?? [], nil)
        } catch {
            return ([], "archive-service is not reachable")
        }
    }

    /// A value as canonical JSON text (sorted keys), so two values compare equal exactly when their JSON does.
    static func jsonText(_ value: Any) -> String? {
        (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Every field whose value differs between projection and fold, with both values (null where absent).
    static func differences(projection: [String: Any]?, fold: [String: Any]?) -> [[String: Any]] {
        let fields = Set((projection ?? [:]).keys).union((fold ?? [:]).keys).sorted()
        return fields.compactMap { field in
            let left = projection?[field], right = fold?[field]
            if let left, let right, jsonText(left) == jsonText(right) { return nil }
            return ["field": field, "projection": left ?? NSNull(), "fold": right ?? NSNull()]
        }
    }
}
