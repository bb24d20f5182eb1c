import Foundation
import ShopDomain
import ShopEventStore
import ShopHTTP
import ShopRedis
import ShopTestSupport
import Testing

// The gateway's upstreams: a broken owner, msg-service's stream, archive-service's event queries.
extension ShopAPITests {
    @Test("an owner that answers something that is not HTTP: the gateway answers 502 and writes nothing")
    func brokenOwner() async throws {
        let upstream = try await BrokenUpstream.start()
        let executables = ShopHarness.executables.filter { $0 != "customer-service" }
        try await ShopHarness.run(executables: executables, environment: ["CUSTOMER_SERVICE_URL": upstream.url]) { shop in
            let reply = try await shop.call(.POST, "/customers", #"{"name":"Jo","email":"jo@example.com"}"#)
            #expect(reply.status == 502 && reply.error?.contains("customer-service") == true, "\(reply)")
            #expect(try await shop.eventCount() == 0)
            #expect(try await shop.create("/products", #"{"name":"Cup","price":2}"#).count == 1, "other owners are not affected")
        }
        await upstream.stop()
    }

    @Test("GET /messages: msg-service's stream oldest first, as {to,msg,key,sent_at}, cut at ?limit=")
    func messages() async throws {
        try await ShopHarness.run(executables: ["gateway-api"]) { shop in
            for index in 1...3 {
                _ = try await shop.redis.xadd(MessageStream.name, fields: [
                    ("to", RESPArgument("c\(index)@example.com")), ("msg", RESPArgument("Dear C\(index)!\n\n\"hi\"")),
                    ("key", RESPArgument("event-\(index)")), ("sent_at", RESPArgument("\(1_700_000_000 + index)")),
                ])
            }
            let all = try await shop.call(.GET, "/messages").json as? [[String: Any]] ?? []
            #expect(all.compactMap { $0["key"] as? String } == ["event-1", "event-2", "event-3"])
            #expect(all.first?["to"] as? String == "c1@example.com")
            #expect(all.first?["msg"] as? String == "Dear C1!\n\n\"hi\"")
            #expect(all.first?["sent_at"] as? Int == 1_700_000_001)
            let two = try await shop.call(.GET, "/messages?limit=2").json as? [[String: Any]] ?? []
            #expect(two.compactMap { $0["key"] as? String } == ["event-1", "event-2"])
            #expect(try await shop.call(.GET, "/messages?limit=many").status == 400)
            #expect(try await shop.call(.GET, "/messages?limit=10001").status == 400)
        }
    }
}

extension ShopAPITests {
    @Test("GET /events goes to archive-service with its query, answer passed through; a missing route there is a 503")
    func eventsForwarded() async throws {
        var router = Router()
        router.get("/events") { request in
            if request.query["topic"] == "absent" { throw HTTPError(.notFound, "no route for GET /events") }
            return .json(["query": request.query, "request_id": ["id": request.headers.first(name: "x-request-id") ?? ""]])
        }
        let archive = HTTPServer(configuration: HTTPServerConfiguration(), router: router, logger: ShopHarness.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await archive.run() }
            defer { group.cancelAll() }
            let url = "http://127.0.0.1:\(try await archive.localPort())"
            try await ShopHarness.run(executables: ["gateway-api"], environment: ["ARCHIVE_SERVICE_URL": url]) { shop in
                let reply = try await shop.call(.GET, "/events?topic=order&aggregate_id=a%20b%26c&after=1-0&limit=5",
                                                headers: [("x-request-id", "trace-42")])
                #expect(reply.status == 200, "\(reply)")
                let echoed = reply.object
                #expect(echoed?["query"] as? [String: String] == ["topic": "order", "aggregate_id": "a b&c", "after": "1-0", "limit": "5"])
                #expect((echoed?["request_id"] as? [String: String])?["id"] == "trace-42")
                let missing = try await shop.call(.GET, "/events?topic=absent")
                #expect(missing.status == 503 && missing.error?.contains("archive-service") == true, "\(missing)")
            }
        }
    }
}

/// The stream msg-service records its messages in (the design's Redis layout).
enum MessageStream {
    static let name = "messages"
}
