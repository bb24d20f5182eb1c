@testable import ArchiveService
import Foundation
import Logging
import NIOCore
import ShopArchive
import ShopDomain
import ShopEventStore
import ShopHTTP
import ShopPostgres
import Testing

@Suite("Event queries against PostgreSQL: pagination, filters, injection")
struct EventPaginationTests {
    /// 3 topics × 40 entries whose entry ids collide across topics (ids are allocated per topic), 4 aggregates each.
    static func seed(_ archive: EventArchive) async throws -> [StoredEvent] {
        var events: [StoredEvent] = []
        for topic in [Topic.customer, .order, .billing] {
            for index in 0..<40 {
                let aggregate = "\(topic.rawValue)-\(index % 4)"
                let entity = #"{"id":"\#(aggregate)","n":\#(index),"name":"\#(index % 2 == 0 ? "even" : "odd")"}"#
                events.append(StoredEvent(archivedEventID: UUID().uuidString.lowercased(), topic: topic, action: index < 4 ? .created : .updated,
                                          entryID: EntryID(milliseconds: 1_700_000_000_000 + UInt64(index / 3), sequence: UInt64(index % 3)),
                                          aggregateID: aggregate, version: index / 4 + 1, occurredAt: 1_700_000_000_000,
                                          correlationID: "", entity: Array(entity.utf8)))
            }
        }
        _ = try await archive.insert(events)
        return events
    }

    static func all(_ archive: EventArchive, _ query: EventQuery) async throws -> [StoredEvent] {
        var query = query
        var events: [StoredEvent] = []
        while true {
            let page = try await archive.page(query)
            #expect(page.events.count <= query.limit)
            events += page.events
            guard let next = page.next else { return events }
            query.after = next
        }
    }

    static func commitOrder(_ a: StoredEvent, _ b: StoredEvent) -> Bool {
        (a.entryID, a.topic.rawValue) < (b.entryID, b.topic.rawValue)
    }

    @Test("paging with any page size returns every event once, in commit order, with or without filters")
    func paginationReturnsEveryEventOnce() async throws {
        try await ArchiveHarness.run { harness in
            let seeded = try await Self.seed(harness.archive)
            for limit in [1, 7, 40, 10_000] {
                let all = try await Self.all(harness.archive, EventQuery(limit: limit))
                #expect(all.map(\.eventID) == seeded.sorted(by: Self.commitOrder).map(\.eventID))
            }
            let orders = try await Self.all(harness.archive, EventQuery(topic: .order, limit: 6))
            #expect(orders.map(\.eventID) == seeded.filter { $0.topic == .order }.sorted(by: Self.commitOrder).map(\.eventID))
            let one = try await Self.all(harness.archive, EventQuery(aggregateID: "billing-2", limit: 3))
            #expect(one.map(\.eventID) == seeded.filter { $0.aggregateID == "billing-2" }.map(\.eventID))
            let created = try await Self.all(harness.archive, EventQuery(action: .created, limit: 5))
            #expect(created.count == 12 && created.allSatisfy { $0.action == .created })
            let even = try await Self.all(harness.archive, EventQuery(topic: .customer, limit: 4, contains: #"{"name":"even"}"#))
            #expect(even.map(\.eventID) == seeded.filter { $0.topic == .customer && $0.entity.count > 0 && String(decoding: $0.entity, as: UTF8.self).contains("\"even\"") }.map(\.eventID))
            // A cursor of another topic, and a bare entry id, both continue in commit order.
            let afterOrder = try await harness.archive.page(EventQuery(topic: .customer, after: EventCursor("1700000000005-1:order"), limit: 1))
            #expect(afterOrder.events.first?.entryID == EntryID(milliseconds: 1_700_000_000_005, sequence: 2))
            let afterBilling = try await harness.archive.page(EventQuery(topic: .customer, after: EventCursor("1700000000005-1:billing"), limit: 1))
            #expect(afterBilling.events.first?.entryID == EntryID(milliseconds: 1_700_000_000_005, sequence: 1))
            let bare = try await harness.archive.page(EventQuery(after: EventCursor("1700000000005-1"), limit: 1))
            #expect(bare.events.first?.entryID == EntryID(milliseconds: 1_700_000_000_005, sequence: 2))
        }
    }

    static let injections = [
        "' OR '1'='1", "'; DROP TABLE events; --", "\"; DELETE FROM events; --", "1); DROP TABLE events; --",
        "$1", "customer' --", "order\u{0}", "%27%20OR%201=1", "\\'; TRUNCATE events; --",
    ]

    @Test("over HTTP: injection strings in every parameter are inert (400 or no match), bad parameters are 400s")
    func injectionOverHTTP() async throws {
        try await ArchiveHarness.run { harness in
            let seeded = try await Self.seed(harness.archive)
            var router = Router()
            ArchiveRoutes(archive: harness.archive, store: harness.store, archiver: nil).register(&router)
            let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), router: router, logger: harness.logger)
            try await withBackground([server]) {
                let client = try HTTPClient(baseURL: "http://127.0.0.1:\(try await server.localPort())", logger: harness.logger)
                do {
                    try await Self.checkInjections(client, archive: harness.archive, seeded: seeded.count)
                } catch {
                    await client.shutdown()
                    throw error
                }
                await client.shutdown()
            }
        }
    }

    static func checkInjections(_ client: HTTPClient, archive: EventArchive, seeded: Int) async throws {
        func get(_ parameters: [(String, String)]) async throws -> (status: Int, json: [String: Any]) {
            var components = URLComponents()
            components.path = "/events"
            components.queryItems = parameters.map { URLQueryItem(name: $0.0, value: $0.1) }
            let path = components.percentEncodedPath + "?" + (components.percentEncodedQuery ?? "")
                .replacingOccurrences(of: "+", with: "%2B")
            let response = try await client.execute(.GET, path)
            let json = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
            return (Int(response.status.code), json ?? [:])
        }
        let ok = try await get([("topic", "order"), ("limit", "5")])
        #expect(ok.status == 200 && (ok.json["events"] as? [Any])?.count == 5 && ok.json["next"] is String)
        let first = try #require((ok.json["events"] as? [[String: Any]])?.first)
        #expect(Set(first.keys) == ["event_id", "topic", "action", "entry_id", "aggregate_id", "version", "occurred_at", "correlation_id", "causation_id", "entity"])
        #expect((first["entity"] as? [String: Any])?["id"] as? String == "order-0")

        for name in ["topic", "action", "aggregate_id", "correlation", "after", "limit", "contains"] {
            for text in Self.injections {
                let answer = try await get([(name, text)])
                #expect(answer.status == 400 || (answer.status == 200 && (answer.json["events"] as? [Any])?.isEmpty == true),
                        "\(name)=\(text) answered \(answer.status)")
                if answer.status == 400 { #expect(answer.json["error"] is String) }
            }
            let contained = try await get([("contains", #"{"name":"\#(Self.injections[0])"}"#)])
            #expect(contained.status == 200 && (contained.json["events"] as? [Any])?.isEmpty == true)
        }
        #expect(try await get([("limit", "10001")]).status == 400)
        #expect(try await get([("contains", "{\"a\":\"\\u0000\"}")]).status == 400)
        #expect(try await archive.count() == seeded)
    }
}
