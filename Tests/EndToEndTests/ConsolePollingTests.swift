import Foundation
import NIOHTTP1
import ShopEventStore
import ShopRedis
import ShopTestSupport
import Testing

/// What open consoles poll, on the real gateway: answers with an `ETag` (304 when nothing changed), one reading
/// shared by the clients that accept one up to a second old, and the messages searched by the gateway.
@Suite("End to end: the console's polled reads", .serialized)
struct ConsolePollingTests {
    @Test("/messages carries an ETag: 304 while no message is sent, a new tag and the new message after one")
    func messagesETag() async throws {
        try await ShopHarness.run(executables: ["gateway-api"]) { shop in
            try await Self.send(shop, to: "a@example.com", key: "e1:welcome", at: 1)
            let first = try await shop.call(.GET, "/messages")
            let etag = try #require(first.headers.first(name: "etag"))
            #expect(try await shop.call(.GET, "/messages", headers: [("If-None-Match", etag)]).status == 304)
            // Another limit is another answer: its own tag.
            let limited = try await shop.call(.GET, "/messages?limit=1", headers: [("If-None-Match", etag)])
            #expect(limited.status == 200 && limited.headers.first(name: "etag") != etag)
            try await Self.send(shop, to: "b@example.com", key: "e2:welcome", at: 2)
            let second = try await shop.call(.GET, "/messages", headers: [("If-None-Match", etag)])
            #expect(second.status == 200)
            #expect(second.headers.first(name: "etag") != etag)
            #expect((second.json as? [[String: Any]])?.compactMap { $0["to"] as? String } == ["a@example.com", "b@example.com"])
        }
    }

    @Test("/messages/recent: newest first, searched by recipient (any case) and kind, with the stream's total; bad input is a 400")
    func recentMessages() async throws {
        try await ShopHarness.run(executables: ["gateway-api"]) { shop in
            #expect(try await shop.call(.GET, "/messages/recent").body == #"{"messages":[],"total":0}"#)
            let sent: [(to: String, key: String)] = [
                ("Ann@example.com", "e1:welcome"), ("bob@example.com", "e2:welcome"), ("ann@example.com", "e3:order-confirmation"),
                ("bob@example.com", "e4:payment-request"), ("ann@example.com", "e5:welcome"),
            ]
            for (index, message) in sent.enumerated() { try await Self.send(shop, to: message.to, key: message.key, at: index) }
            func keys(_ query: String) async throws -> [String] {
                let reply = try await shop.call(.GET, "/messages/recent\(query)")
                #expect(reply.status == 200, "\(reply)")
                #expect(reply.object?["total"] as? Int == sent.count)
                return (reply.object?["messages"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String }
            }
            #expect(try await keys("") == ["e5:welcome", "e4:payment-request", "e3:order-confirmation", "e2:welcome", "e1:welcome"])
            #expect(try await keys("?limit=2") == ["e5:welcome", "e4:payment-request"])
            #expect(try await keys("?to=ANN") == ["e5:welcome", "e3:order-confirmation", "e1:welcome"])
            #expect(try await keys("?to=ann&kind=welcome") == ["e5:welcome", "e1:welcome"])
            #expect(try await keys("?kind=welcome&limit=1") == ["e5:welcome"])
            #expect(try await keys("?to=nobody") == [])
            let reply = try await shop.call(.GET, "/messages/recent?to=ann")
            let etag = try #require(reply.headers.first(name: "etag"))
            #expect(try await shop.call(.GET, "/messages/recent?to=ann", headers: [("If-None-Match", etag)]).status == 304)
            for query in ["?limit=0", "?limit=1001", "?limit=x", "?recipient=ann", "?to=" + String(repeating: "a", count: 201)] {
                let refused = try await shop.call(.GET, "/messages/recent\(query)")
                #expect(refused.status == 400 && refused.error != nil, "\(query): \(refused)")
            }
        }
    }

    @Test("/status: one reading shared by the clients that accept one up to a second old (Cache-Control: max-age=1), fresh for the others; 304 on its ETag",
          .enabled(if: ServiceStack.defaultInstances == 1, "a shared reading lives in one gateway; make test's cluster pass runs two"))
    func sharedStatus() async throws {
        try await ShopHarness.run(executables: ["customer-service", "gateway-api"]) { shop in
            let shared = [("Cache-Control", "max-age=1")]
            func length(_ reply: Reply) -> Int? {
                (reply.object?["streams"] as? [[String: Any]])?.first { $0["name"] as? String == "events:{customer}_created" }?["length"] as? Int
            }
            _ = try await shop.create("/customers", #"{"name":"Ann","email":"ann@example.com"}"#)
            let before = try await shop.call(.GET, "/status", headers: shared)
            #expect(length(before) == 1)
            _ = try await shop.create("/customers", #"{"name":"Bob","email":"bob@example.com"}"#)
            // Within the second: a console is answered from the shared reading; a client without the header is not.
            let again = try await shop.call(.GET, "/status", headers: shared)
            #expect(length(again) == 1 && again.headers.first(name: "age") != nil, "\(again.headers)")
            let fresh = try await shop.call(.GET, "/status")
            #expect(length(fresh) == 2 && fresh.headers.first(name: "age") == nil)
            // The fresh reading is the shared one now; its tag answers 304.
            let etag = try #require(fresh.headers.first(name: "etag"))
            let unchanged = try await shop.call(.GET, "/status", headers: shared + [("If-None-Match", etag)])
            #expect(unchanged.status == 304 && unchanged.body.isEmpty)
            // A second later the shared reading is read again.
            try await Task.sleep(for: .milliseconds(1100))
            _ = try await shop.create("/customers", #"{"name":"Cy","email":"cy@example.com"}"#)
            #expect(length(try await shop.call(.GET, "/status", headers: shared)) == 3)
        }
    }

    @Test("/services lists every instance a service's URL names, each with its own /ready: one down among several shows as its own row")
    func servicesPerInstance() async throws {
        let first = try freePort()
        var other = try freePort()
        while other == first { other = try freePort() }
        let second = other
        let crm = ["http://127.0.0.1:\(first)", "http://127.0.0.1:\(second)"]
        try await ShopHarness.run(executables: ["customer-service", "gateway-api"],
                                  environment: ["CRM_SERVICE_URL": crm.joined(separator: ",")]) { shop in
            let reply = try await shop.call(.GET, "/services")
            let services = try #require(reply.object?["services"] as? [[String: Any]])
            let rows = services.filter { $0["name"] as? String == "crm-service" }
            #expect(rows.compactMap { $0["instance"] as? String } == ["127.0.0.1:\(first)", "127.0.0.1:\(second)"])
            #expect(rows.allSatisfy { $0["ready"] as? Bool == false && $0["reason"] as? String == "not reachable" })
            let customer = try #require(services.first { $0["name"] as? String == "customer-service" })
            #expect(customer["ready"] as? Bool == true && (customer["instance"] as? String)?.hasPrefix("127.0.0.1:") == true)
            #expect(Set(services.compactMap { $0["name"] as? String }).count == 9, "the nine executables")
            // Shared for five seconds with the consoles that accept it, with an ETag (a reading lives in one gateway:
            // not checked when make test's cluster pass runs two behind one address).
            let etag = try #require(reply.headers.first(name: "etag"))
            if ServiceStack.defaultInstances == 1 {
                #expect(try await shop.call(.GET, "/services", headers: [("Cache-Control", "max-age=5"), ("If-None-Match", etag)]).status == 304)
            }
        }
    }

    /// Records a message as msg-service does, in its stream.
    static func send(_ shop: ShopHarness, to: String, key: String, at time: Int) async throws {
        _ = try await shop.redis.xadd(MessageStream.name, fields: [
            ("to", RESPArgument(to)), ("msg", RESPArgument("Dear \(to)!")), ("key", RESPArgument(key)),
            ("sent_at", RESPArgument("\(1_700_000_000 + time)")),
        ])
    }
}
