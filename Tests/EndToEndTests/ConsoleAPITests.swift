import Foundation
import NIOHTTP1
import ShopDomain
import ShopEventStore
import ShopHTTP
import Testing

/// The JSON under the console, on the real gateway: admin actions guarded by the token, bad input refused with a
/// JSON 4xx that writes nothing, dead letters replayed to crm-service, the live feed, recent events, an entity's
/// history with the projection beside the fold, and the page's own files with their Content-Security-Policy.
@Suite("End to end: the console's API", .serialized)
struct ConsoleAPITests {
    static let token = "console-test-token"
    static let bearer = [("Authorization", "Bearer \(token)")]

    @Test("a gateway with no ADMIN_TOKEN refuses admin actions with 403 saying how to set one; reading needs no token")
    func noTokenConfigured() async throws {
        try await ShopHarness.run(executables: ["customer-service", "gateway-api"], environment: ["ADMIN_TOKEN": ""]) { shop in
            for (method, path) in [(HTTPMethod.POST, "/deadletters/replay"), (.POST, "/deadletters/customer/1-0/replay"),
                                   (.DELETE, "/deadletters/customer/1-0")] {
                let reply = try await shop.call(method, path, headers: [("Authorization", "Bearer anything")])
                #expect(reply.status == 403, "\(method) \(path): \(reply)")
                #expect(reply.error?.contains("ADMIN_TOKEN=") == true, "\(reply)")
            }
            let list = try await shop.call(.GET, "/deadletters")
            #expect(list.status == 200)
            #expect((list.object?["dead_letters"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("admin actions: 401 without the token or with another; bad input on every new route is a JSON 400 and writes nothing")
    func tokenAndBadInput() async throws {
        try await ShopHarness.run(executables: ["customer-service", "gateway-api"], environment: ["ADMIN_TOKEN": Self.token]) { shop in
            _ = try await shop.create("/customer", #"{"name":"Ada","email":"ada@example.com"}"#)
            let events = try await shop.eventCount()
            for headers in [[], [("Authorization", "Bearer wrong")], [("Authorization", "Basic \(Self.token)")],
                            [("Authorization", "Bearer \(Self.token)x")], [("Authorization", "Bearer")]] {
                let reply = try await shop.call(.POST, "/deadletters/replay", headers: headers)
                #expect(reply.status == 401, "\(headers): \(reply)")
                #expect(reply.error != nil)
                #expect(try await shop.call(.DELETE, "/deadletters/customer/1-0", headers: headers).status == 401)
            }
            #expect(try await shop.call(.POST, "/deadletters/replay", headers: Self.bearer).status == 200)
            #expect(try await shop.call(.DELETE, "/deadletters/customer/1-0", headers: Self.bearer).status == 404)
            #expect(try await shop.call(.POST, "/deadletters/customer/1-0/replay", headers: Self.bearer).status == 404)
            let bad: [(HTTPMethod, String, [(String, String)])] = [
                (.GET, "/deadletters?topic=nope", []), (.GET, "/deadletters?limit=0", []), (.GET, "/deadletters?group=", []),
                (.POST, "/deadletters/replay?topic=nope", Self.bearer), (.DELETE, "/deadletters/nope/1-0", Self.bearer),
                (.DELETE, "/deadletters/customer/abc", Self.bearer), (.POST, "/deadletters/customer/1-x/replay", Self.bearer),
                (.GET, "/events/recent?limit=0", []), (.GET, "/events/recent?bogus=1", []), (.GET, "/events/recent?before=x", []),
                (.GET, "/events/recent?topic=nope", []), (.GET, "/events/recent?action=renamed", []),
                (.GET, "/events/recent?aggregate_id=not-an-id", []), (.GET, "/events/recent?since=-1", []),
                (.GET, "/events/live", [("Last-Event-ID", "garbage")]), (.GET, "/events/live?after=1-0,2-0", []),
                (.GET, "/events/live?topic=nope", []), (.GET, "/events/recent?before=99999999999999999999-0", []),
                (.GET, "/events/live?after=1-0,1-0,1-0,1-0,18446744073709551615-18446744073709551615", []),
                (.GET, "/history/nope/3f2504e0-4f89-41d3-9a0c-0305e82c3301", []), (.GET, "/history/customer/not-an-id", []),
            ]
            for (method, path, headers) in bad {
                let reply = try await shop.call(method, path, headers: headers)
                #expect(reply.status == 400, "\(method) \(path): \(reply)")
                #expect(reply.error != nil, "\(method) \(path): \(reply)")
            }
            #expect(try await shop.call(.GET, "/console/nothing.js").status == 404)
            let first = try await shop.call(.GET, "/events/recent?before=0&since=0")
            #expect(first.status == 200 && (first.object?["events"] as? [Any])?.isEmpty == true, "nothing before the first position: \(first)")
            #expect(try await shop.eventCount() == events, "refused requests wrote nothing")
        }
    }

    @Test("a dead letter of crm-service: listed with event, cause, deliveries and time; replay refused without the token, replayed with it, the message sent once")
    func deadLetterReplayedToCRM() async throws {
        let environment = ["ADMIN_TOKEN": Self.token, "CONSUMER_MAX_DELIVERIES": "1", "CONSUMER_CLAIM_IDLE_MS": "1000"]
        try await ShopHarness.run(executables: ["customer-service", "crm-service", "msg-service", "gateway-api"],
                                  environment: environment) { shop in
            // An order naming a customer and a product that do not exist yet: crm-service cannot confirm it.
            let customerID = UUID().uuidString.lowercased(), productID = UUID().uuidString.lowercased()
            let order = try await shop.store.create([Order(id: "", productIDs: [productID], customerID: customerID)])[0]
            var letters: [[String: Any]] = []
            #expect(try await ShopHarness.eventually {
                letters = (try await shop.call(.GET, "/deadletters?group=crm-service").object?["dead_letters"] as? [[String: Any]]) ?? []
                return letters.count == 1
            })
            let letter = try #require(letters.first)
            let event = try #require(letter["event"] as? [String: Any])
            #expect(event["aggregate_id"] as? String == order.id)
            #expect(event["topic"] as? String == "order" && event["action"] as? String == "created")
            #expect(letter["group"] as? String == "crm-service")
            #expect((letter["error"] as? String)?.isEmpty == false)
            #expect(letter["deliveries"] as? Int == 1)
            #expect((letter["dead_lettered_at"] as? Int ?? 0) > 1_700_000_000_000)
            let id = try #require(letter["id"] as? String)
            let counts = try await shop.call(.GET, "/deadletters").object?["counts"] as? [String: Int]
            #expect(counts == ["crm-service": 1])

            #expect(try await shop.call(.POST, "/deadletters/order/\(id)/replay").status == 401)
            #expect(try await shop.call(.POST, "/deadletters/order/\(id)/replay", headers: [("Authorization", "Bearer no")]).status == 401)
            #expect((try await shop.call(.GET, "/deadletters").object?["dead_letters"] as? [Any])?.count == 1, "a refused replay changed nothing")

            // Now they exist (appended with the very ids the order names), and the replay can succeed.
            let customer = #"{"email":"late@example.com","id":"\#(customerID)","name":"Late"}"#
            let product = #"{"id":"\#(productID)","name":"Pen","price":3}"#
            _ = try await shop.store.append([NewEvent(action: .created, aggregateID: customerID, entity: Array(customer.utf8),
                                                      expectedVersion: 0)], topic: .customer)
            _ = try await shop.store.append([NewEvent(action: .created, aggregateID: productID, entity: Array(product.utf8),
                                                      expectedVersion: 0)], topic: .product)
            let replay = try await shop.call(.POST, "/deadletters/order/\(id)/replay", headers: Self.bearer)
            #expect(replay.status == 200, "\(replay)")
            #expect(replay.object?["replayed"] as? Int == 1)
            #expect((try await shop.call(.GET, "/deadletters").object?["dead_letters"] as? [Any])?.isEmpty == true)
            let eventID = try #require(event["event_id"] as? String)
            var confirmations = 0
            #expect(try await ShopHarness.eventually {
                let messages = try await shop.call(.GET, "/messages").json as? [[String: Any]] ?? []
                confirmations = messages.filter { $0["key"] as? String == "\(eventID):order-confirmation" }.count
                return confirmations >= 1
            })
            try await Task.sleep(for: .seconds(1))
            let messages = try await shop.call(.GET, "/messages").json as? [[String: Any]] ?? []
            #expect(messages.filter { $0["key"] as? String == "\(eventID):order-confirmation" }.count == 1)
            #expect(try await shop.call(.POST, "/deadletters/order/\(id)/replay", headers: Self.bearer).status == 404)
        }
    }

    @Test("the live feed: a hello with the position, then a customer created through the API arrives within 2 s; recent events page newest first")
    func liveFeedAndRecentEvents() async throws {
        try await ShopHarness.run(executables: ["customer-service", "gateway-api"]) { shop in
            let hello = try await shop.call(.GET, "/events/live")
            #expect(hello.status == 200)
            #expect(hello.headers.first(name: "content-type")?.hasPrefix("text/event-stream") == true)
            let position = try #require(hello.body.split(separator: "\n").first { $0.hasPrefix("id: ") }.map { String($0.dropFirst(4)) })
            #expect(hello.body.contains("event: hello"))

            let started = ContinuousClock.now
            async let created = shop.create("/customer", #"{"name":"Live","email":"live@example.com"}"#)
            let feed = try await shop.call(.GET, "/events/live", headers: [("Last-Event-ID", position)])
            let id = try #require(try await created.first)
            var body = feed.body
            if !body.contains(id) {  // the feed answered before the create: follow on from where it left off
                let next = body.split(separator: "\n").last { $0.hasPrefix("id: ") }.map { String($0.dropFirst(4)) } ?? position
                body = try await shop.call(.GET, "/events/live", headers: [("Last-Event-ID", next)]).body
            }
            #expect(ContinuousClock.now - started < .seconds(2))
            let data = try #require(body.split(separator: "\n").first { $0.hasPrefix("data: ") && $0.contains(id) })
            let event = try #require(try JSONSerialization.jsonObject(with: Data(data.dropFirst(6).utf8)) as? [String: Any])
            #expect(event["topic"] as? String == "customer" && event["action"] as? String == "created")
            #expect((event["entity"] as? [String: Any])?["name"] as? String == "Live")
            #expect(body.contains("retry: "))

            // Nothing new: the feed waits about 5 s, then ends with no event.
            let last = body.split(separator: "\n").last { $0.hasPrefix("id: ") }.map { String($0.dropFirst(4)) } ?? position
            let quiet = try await shop.call(.GET, "/events/live", headers: [("Last-Event-ID", last)])
            #expect(quiet.status == 200 && !quiet.body.contains("event: event"))

            let ids = try await shop.create("/customers", #"[{"name":"A","email":"a@x.io"},{"name":"B","email":"b@x.io"},{"name":"C","email":"c@x.io"}]"#)
            let first = try await shop.call(.GET, "/events/recent?topic=customer&limit=2")
            let page = try #require(first.object)
            #expect((page["events"] as? [[String: Any]])?.compactMap { $0["aggregate_id"] as? String } == [ids[2], ids[1]])
            let next = try #require(page["next"] as? String)
            let second = try await shop.call(.GET, "/events/recent?topic=customer&limit=2&before=\(next)").object
            #expect((second?["events"] as? [[String: Any]])?.compactMap { $0["aggregate_id"] as? String } == [ids[0], id])
        }
    }

    @Test("an entity's history: its events from Redis and the archive, the projection equal to the fold, and a difference shown when they disagree")
    func entityHistory() async throws {
        try await ShopHarness.run(executables: ["customer-service", "archive-service", "gateway-api"]) { shop in
            let id = try await shop.create("/customer", #"{"name":"Ada","email":"ada@example.com"}"#)[0]
            #expect(try await shop.call(.PUT, "/customer/\(id)", #"{"name":"Ada L","email":"ada@example.com"}"#).status == 200)
            var history: [String: Any] = [:]
            #expect(try await ShopHarness.eventually {
                history = try await shop.call(.GET, "/history/customer/\(id)").object ?? [:]
                let events = history["events"] as? [[String: Any]] ?? []
                return events.count == 2 && events.allSatisfy { ($0["sources"] as? [String]) == ["redis", "archive"] }
            }, "both events found in Redis and in the archive: \(history)")
            let events = history["events"] as? [[String: Any]] ?? []
            #expect(events.map { $0["action"] as? String } == ["created", "updated"])
            #expect(history["matches"] as? Bool == true)
            #expect((history["fold"] as? [String: Any])?["name"] as? String == "Ada L")
            #expect((history["projection"] as? [String: Any])?["name"] as? String == "Ada L")
            #expect(history["fold_version"] as? Int == 2 && history["projection_version"] as? Int == 2)

            // A projection edited behind the store's back: the history says which field differs.
            let document = #"{"email":"ada@example.com","id":"\#(id)","name":"Mallory"}"#
            _ = try await shop.redis.send("HSET", "{customer}_json", .init(id), .init(document))
            let tampered = try await shop.call(.GET, "/history/customer/\(id)").object ?? [:]
            #expect(tampered["matches"] as? Bool == false)
            let differences = tampered["differences"] as? [[String: Any]] ?? []
            #expect(differences.map { $0["field"] as? String } == ["name"])
            #expect(differences.first?["projection"] as? String == "Mallory" && differences.first?["fold"] as? String == "Ada L")

            let unknown = try await shop.call(.GET, "/history/customer/3f2504e0-4f89-41d3-9a0c-0305e82c3301").object ?? [:]
            #expect((unknown["events"] as? [Any])?.isEmpty == true && unknown["matches"] as? Bool == true)
        }
    }

    @Test("/verify/{topic}: the projection matches the fold of its events; one edited behind the store's back is listed; an unknown topic is a 400")
    func verifyTopic() async throws {
        try await ShopHarness.run(executables: ["customer-service", "gateway-api"]) { shop in
            let id = try await shop.create("/customer", #"{"name":"Ada","email":"ada@example.com"}"#)[0]
            let clean = try await shop.call(.GET, "/verify/customer")
            #expect(clean.status == 200)
            #expect(clean.object?["topic"] as? String == "customer")
            #expect(clean.object?["matches"] as? Bool == true && (clean.object?["differences"] as? [String])?.isEmpty == true)

            let document = #"{"email":"ada@example.com","id":"\#(id)","name":"Mallory"}"#
            _ = try await shop.redis.send("HSET", "{customer}_json", .init(id), .init(document))
            let tampered = try await shop.call(.GET, "/verify/customer").object ?? [:]
            #expect(tampered["matches"] as? Bool == false)
            let differences = tampered["differences"] as? [String] ?? []
            #expect(differences.count == 1 && differences.first?.contains(id) == true, "\(differences)")

            #expect(try await shop.call(.GET, "/verify/nothing").status == 400)
        }
    }

    @Test("the page and its files: served from the gateway with a strict Content-Security-Policy; /services lists the nine")
    func pageAndServices() async throws {
        try await ShopHarness.run(executables: ["customer-service", "gateway-api"]) { shop in
            for path in ["/", "/console"] {
                let page = try await shop.call(.GET, path)
                #expect(page.status == 200)
                #expect(page.headers.first(name: "content-type")?.hasPrefix("text/html") == true)
                let policy = page.headers.first(name: "content-security-policy") ?? ""
                #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'self'") && !policy.contains("unsafe"))
                #expect(page.body.contains(#"<script type="module" src="/console/main.js">"#))
                #expect(!page.body.contains("<script>"), "no inline script")
            }
            let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Services/GatewayAPI/Console")
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0 != "index.html" }
            #expect(files.count >= 10)
            for file in files {
                let reply = try await shop.call(.GET, "/console/\(file)")
                #expect(reply.status == 200, "\(file) is served (listed in Package.swift and ConsoleRoutes)")
                let source = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                #expect(reply.body == source, "\(file) as in the repository")
                #expect(!source.contains("innerHTML") && !source.contains("outerHTML") && !source.contains("insertAdjacentHTML"),
                        "\(file) puts values in as text")
                #expect(reply.headers.first(name: "content-security-policy") != nil)
            }
            let services = try #require(try await shop.call(.GET, "/services").object?["services"] as? [[String: Any]])
            // One row per instance (two of each started executable in make test's cluster pass), the nine in order.
            let names = services.compactMap { $0["name"] as? String }
            #expect(names.enumerated().filter { $0.offset == 0 || names[$0.offset - 1] != $0.element }.map(\.element) == ["gateway-api", "customer-service", "product-service",
                "inventory-service", "order-service", "billing-service", "crm-service", "msg-service", "archive-service"])
            let customer = try #require(services.first { $0["name"] as? String == "customer-service" })
            #expect(customer["ready"] as? Bool == true)
            #expect((customer["memory_bytes"] as? Double ?? 0) > 1_000_000)
            #expect((customer["uptime_seconds"] as? Double ?? -1) >= 0)
            #expect(services.first { $0["name"] as? String == "crm-service" }?["ready"] as? Bool == false, "not started: not ready")
        }
    }
}
