import Foundation
import ShopAPI
import ShopDomain
import ShopEventStore
import ShopHTTP
import ShopReactions
import ShopService

/// `GET /correlation/{id}`: everything one request set off, as a causation tree. Every event (from the PostgreSQL
/// archive, `GET /events?correlation=`) and every message (msg-service's list of the correlation's messages) in order,
/// each with the service that wrote it and its parent: the request (a command's events) or the event it reacted to.
struct CausationTreeRoutes: Sendable {
    let archive: HTTPClient
    let log: MessageLog
    /// Each topic's owning service: the writer of its events.
    let owners: [Topic: ServiceName]

    /// The most events and messages one answer holds.
    static let maxItems = 10_000

    func register(_ router: inout Router) {
        router.get("/correlation/{id}") { request in try await tree(request) }
    }

    func tree(_ request: Request) async throws -> Response {
        let correlation = request.parameters["id"] ?? ""
        guard !correlation.isEmpty, correlation.unicodeScalars.count <= 200,
              !correlation.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw HTTPError(.badRequest, "the correlation id must be 1 to 200 characters long, without control characters")
        }
        let events = try await archivedEvents(correlation)
        let messages = try await StoreFailure.translating(topic: .customer) { try await sentMessages(correlation) }
        let items = Self.items(events: events.events, messages: messages, owners: owners)
        let answer: [String: Any] = [
            "correlation_id": correlation, "items": items, "tree": Self.tree(items),
            "events": events.events.count, "messages": messages.count, "complete": events.complete,
        ]
        let data = try JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys, .withoutEscapingSlashes])
        return .json(bytes: ByteBuffer(bytes: data))
    }

    /// The correlation's archived events in commit order (pages of `/events` up to `maxItems`).
    func archivedEvents(_ correlation: String) async throws -> (events: [[String: Any]], complete: Bool) {
        var events: [[String: Any]] = []
        var after: String?
        while events.count < Self.maxItems {
            var query = ["correlation": correlation, "limit": "1000"]
            if let after { query["after"] = after }
            let response: ClientResponse
            do {
                response = try await archive.execute(.GET, "/events" + HTTPClient.queryString(query))
            } catch {
                throw HTTPError(.serviceUnavailable, "archive-service is unavailable, try again later")
            }
            guard response.status == .ok,
                  let page = try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] else {
                throw HTTPError(.badGateway, "archive-service answered \(response.status.code)")
            }
            events += page["events"] as? [[String: Any]] ?? []
            guard let next = page["next"] as? String else { return (events, true) }
            after = next
        }
        return (events, false)
    }

    /// The correlation's messages, as msg-service recorded them (those still in its capped stream).
    func sentMessages(_ correlation: String) async throws -> [MessageLog.Entry] {
        try await log.messages(correlation: correlation, limit: Self.maxItems)
    }

    /// Events and messages as nodes `{"type","id","service","parent",…}`, in the order they happened (commit time,
    /// then entry id). A command's events have the request as parent; a reaction's, the event it handled.
    static func items(events: [[String: Any]], messages: [MessageLog.Entry], owners: [Topic: ServiceName]) -> [[String: Any]] {
        func owner(of topic: Topic) -> String { owners[topic]?.executable ?? "unknown" }
        // Stock reservations are written by order-service for the request that writes the order.
        let orderRequests = Set(events.filter { $0["topic"] as? String == Topic.order.rawValue }.compactMap { $0["causation_id"] as? String })
        var nodes: [(time: UInt64, sequence: UInt64, node: [String: Any])] = []
        for event in events {
            let topic = (event["topic"] as? String).flatMap(Topic.init(rawValue:))
            let parent = (event["causation_id"] as? String).flatMap { $0.isEmpty ? nil : $0 }
            var service = topic.map { owner(of: $0) } ?? "unknown"
            if topic == .inventory, let parent, orderRequests.contains(parent) { service = owner(of: .order) }
            let entry = (event["entry_id"] as? String).flatMap(EntryID.init) ?? .zero
            nodes.append((entry.milliseconds, entry.sequence, [
                "type": "event", "id": event["event_id"] ?? NSNull(), "service": service, "parent": parent ?? NSNull(),
                "topic": event["topic"] ?? NSNull(), "action": event["action"] ?? NSNull(),
                "aggregate_id": event["aggregate_id"] ?? NSNull(), "entry_id": event["entry_id"] ?? NSNull(),
                "occurred_at": event["occurred_at"] ?? NSNull(),
            ]))
        }
        for message in messages {
            let entry = EntryID(message.entryID) ?? .zero
            nodes.append((entry.milliseconds, entry.sequence, [
                "type": "message", "id": message.entryID, "service": MessageKind(key: message.key)?.sender ?? "unknown",
                "parent": message.causationID ?? NSNull(), "key": message.key, "to": message.to, "sent_at": Int(entry.milliseconds),
            ]))
        }
        return nodes.sorted { ($0.time, $0.sequence) < ($1.time, $1.sequence) }.map(\.node)
    }

    /// The items nested under their parents (`children`); a parent that is no item (the request) is a root of its own.
    static func tree(_ items: [[String: Any]]) -> [[String: Any]] {
        let ids = Set(items.compactMap { $0["id"] as? String })
        var children: [String: [Int]] = [:]
        var roots: [String] = []
        var orphans: [Int] = []
        for (index, item) in items.enumerated() {
            guard let parent = item["parent"] as? String else { orphans.append(index); continue }
            if !ids.contains(parent), children[parent] == nil { roots.append(parent) }
            children[parent, default: []].append(index)
        }
        func node(_ index: Int) -> [String: Any] {
            var item = items[index]
            item["children"] = (children[item["id"] as? String ?? ""] ?? []).map(node)
            return item
        }
        return roots.map { ["type": "request", "id": $0, "children": (children[$0] ?? []).map(node)] } + orphans.map(node)
    }
}
