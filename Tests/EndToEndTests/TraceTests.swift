import Foundation
import ShopDomain
import ShopTestSupport
import Testing

/// Follow one order through every service: the correlation query, the causation tree, and what a restarted
/// reacting service still carries.
@Suite("End to end: correlation, causation and trace context", .serialized)
struct TraceTests {
    static let all = ["customer-service", "product-service", "inventory-service", "order-service", "billing-service",
                      "crm-service", "msg-service", "archive-service", "gateway-api"]
    /// A traceparent as a client sends it; its trace id becomes the correlation id of everything the request sets off.
    static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let traceParent = "00-\(traceID)-00f067aa0ba902b7-01"

    @Test("one POST /order with a traceparent: its event and the reservation's inventory event by correlation; crm's and billing's messages in the tree under the order event")
    func orderThroughEveryService() async throws {
        try await ShopHarness.run(executables: Self.all, environment: ["CONSUMER_CLAIM_IDLE_MS": "1000"]) { shop in
            let customer = try await shop.create("/customer", #"{"name":"Ada","email":"ada@example.com"}"#)[0]
            let product = try await shop.create("/product", #"{"name":"Lamp","price":30}"#)[0]
            _ = try await shop.create("/inventory", #"{"product_id":"\#(product)","amount":5}"#)
            let order = try await shop.call(.POST, "/order", #"{"customer_id":"\#(customer)","product_ids":["\#(product)"]}"#,
                                            headers: [("traceparent", Self.traceParent), ("tracestate", "shop=1")])
            #expect(order.status == 200, "\(order)")
            let orderID = try #require((order.json as? [String])?.first)
            let requestID = try #require(order.headers.first(name: "x-request-id"))

            // GET /events?correlation=: the order's event and the inventory event of its reservation, caused by the request.
            var events: [[String: Any]] = []
            let archived = try await ShopHarness.eventually {
                events = try await shop.call(.GET, "/events?correlation=\(Self.traceID)").object?["events"] as? [[String: Any]] ?? []
                return events.count >= 2
            }
            #expect(archived, "\(events)")
            #expect(events.count == 2)
            let orderEvent = try #require(events.first { $0["topic"] as? String == "order" })
            #expect(orderEvent["action"] as? String == "created" && orderEvent["aggregate_id"] as? String == orderID)
            let stockEvent = try #require(events.first { $0["topic"] as? String == "inventory" })
            #expect(stockEvent["action"] as? String == "updated" && (stockEvent["entity"] as? [String: Any])?["amount"] as? Int == 4)
            for event in events {
                #expect(event["correlation_id"] as? String == Self.traceID && event["causation_id"] as? String == requestID)
            }
            let orderEventID = try #require(orderEvent["event_id"] as? String)

            // The tree: the request at the root, its two events under it, crm's and billing's messages under the order event.
            var tree: [String: Any] = [:]
            let complete = try await ShopHarness.eventually {
                tree = try await shop.call(.GET, "/correlation/\(Self.traceID)").object ?? [:]
                return (tree["messages"] as? Int) == 2
            }
            #expect(complete, "\(tree)")
            let items = tree["items"] as? [[String: Any]] ?? []
            // In order: the reservation, the order, then the two messages reacting to it.
            #expect(items.map { $0["type"] as? String } == ["event", "event", "message", "message"])
            #expect(items.prefix(2).map { $0["topic"] as? String } == ["inventory", "order"])
            let messages = items.filter { $0["type"] as? String == "message" }
            #expect(Set(messages.compactMap { $0["service"] as? String }) == ["crm-service", "billing-service"])
            #expect(messages.allSatisfy { $0["parent"] as? String == orderEventID }, "\(messages)")
            #expect(Set(messages.compactMap { ($0["key"] as? String)?.split(separator: ":").last.map(String.init) })
                    == ["order-confirmation", "payment-request"])
            let eventItems = items.filter { $0["type"] as? String == "event" }
            #expect(eventItems.allSatisfy { $0["parent"] as? String == requestID && $0["service"] as? String == "order-service" }, "\(eventItems)")
            let roots = tree["tree"] as? [[String: Any]] ?? []
            #expect(roots.count == 1 && roots.first?["id"] as? String == requestID && roots.first?["type"] as? String == "request")
            let underRequest = roots.first?["children"] as? [[String: Any]] ?? []
            let underOrder = underRequest.first { $0["id"] as? String == orderEventID }?["children"] as? [[String: Any]] ?? []
            #expect(underRequest.count == 2 && underOrder.count == 2)

            // /messages shows the ids too; a request without a traceparent gets a correlation of its own.
            let listed = try await shop.call(.GET, "/messages").json as? [[String: Any]] ?? []
            #expect(listed.filter { $0["correlation_id"] as? String == Self.traceID }.count == 2)
            #expect(try await shop.call(.GET, "/correlation/\(String(repeating: "x", count: 201))").status == 400)
            let none = try await shop.call(.GET, "/correlation/0af7651916cd43dd8448eb211c80319c").object ?? [:]
            #expect((none["items"] as? [Any])?.isEmpty == true && none["complete"] as? Bool == true)
        }
    }

    @Test("a welcome sent after crm-service was stopped and started again still carries the request's correlation")
    func reactionAfterRestartKeepsCorrelation() async throws {
        try await ShopHarness.run(executables: ["customer-service", "crm-service", "msg-service", "archive-service", "gateway-api"],
                                  environment: ["CONSUMER_CLAIM_IDLE_MS": "1000"]) { shop in
            await shop.stack.stop("crm-service")
            let traceID = "0af7651916cd43dd8448eb211c80319c"
            let created = try await shop.call(.POST, "/customer", #"{"name":"Bo","email":"bo@example.com"}"#,
                                              headers: [("traceparent", "00-\(traceID)-b7ad6b7169203331-01")])
            #expect(created.status == 200)
            #expect(try await (shop.call(.GET, "/messages").json as? [Any])?.isEmpty == true)
            try await shop.stack.start("crm-service")
            var welcome: [String: Any]?
            let sent = try await ShopHarness.eventually {
                welcome = (try await shop.call(.GET, "/messages").json as? [[String: Any]])?.first
                return welcome != nil
            }
            #expect(sent)
            var events: [[String: Any]] = []
            _ = try await ShopHarness.eventually {
                events = try await shop.call(.GET, "/events?correlation=\(traceID)").object?["events"] as? [[String: Any]] ?? []
                return events.count == 1
            }
            let eventID = try #require(events.first?["event_id"] as? String)
            #expect(welcome?["correlation_id"] as? String == traceID && welcome?["causation_id"] as? String == eventID, "\(welcome ?? [:])")
        }
    }
}

extension TraceTests {
    @Test("with the in-memory tracer: every span of one POST /order (both servers, the scripts, both reactions, msg-service) shares its trace id, the reactions linked to the writing span")
    func spansShareTheTraceID() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spans-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["CONSUMER_CLAIM_IDLE_MS": "1000", "TRACE_SPANS_FILE": directory.path + "/{service}.jsonl"]
        try await ShopHarness.run(executables: Self.all, environment: environment) { shop in
            let customer = try await shop.create("/customer", #"{"name":"Ada","email":"ada@example.com"}"#)[0]
            let product = try await shop.create("/product", #"{"name":"Lamp","price":30}"#)[0]
            _ = try await shop.create("/inventory", #"{"product_id":"\#(product)","amount":5}"#)
            let order = try await shop.call(.POST, "/order", #"{"customer_id":"\#(customer)","product_ids":["\#(product)"]}"#,
                                            headers: [("traceparent", Self.traceParent)])
            #expect(order.status == 200)
            func spans() -> [[String: Any]] {
                let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
                return files.flatMap { file -> [[String: Any]] in
                    let text = (try? String(contentsOfFile: directory.appendingPathComponent(file).path, encoding: .utf8)) ?? ""
                    return text.split(separator: "\n").compactMap {
                        try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                    }
                }
            }
            var traced: [[String: Any]] = []
            func has(_ service: String, _ name: String, kind: String) -> Bool {
                traced.contains { $0["service"] as? String == service && $0["name"] as? String == name && $0["kind"] as? String == kind }
            }
            // Each service writes its finished spans every 100 ms: wait for the last ones and the gateway's alike.
            let arrived = try await ShopHarness.eventually {
                traced = spans().filter { $0["trace_id"] as? String == Self.traceID }
                return Set(traced.filter { $0["name"] as? String == "POST /email" && $0["kind"] as? String == "server" }
                    .compactMap { $0["service"] as? String }) == ["msg-service"]
                    && traced.filter { ($0["name"] as? String)?.hasSuffix("order_created") == true }.count == 2
                    && has("gateway-api", "POST /order", kind: "server") && has("gateway-api", "POST /order", kind: "client")
            }
            #expect(arrived, "\(traced.map { "\($0["service"] ?? "") \($0["name"] ?? "")" })")
            #expect(has("gateway-api", "POST /order", kind: "server") && has("gateway-api", "POST /order", kind: "client"))
            #expect(has("order-service", "POST /order", kind: "server") && has("order-service", "EVALSHA", kind: "client"))
            #expect(has("crm-service", "crm-service order_created", kind: "consumer"))
            #expect(has("billing-service", "billing-service order_created", kind: "consumer"))
            // The order-service's server span is the gateway's client span's child: one trace, parent to child.
            let gatewayClient = traced.first { $0["service"] as? String == "gateway-api" && $0["kind"] as? String == "client" }
            let orderServer = traced.first { $0["service"] as? String == "order-service" && $0["kind"] as? String == "server" }
            #expect(orderServer?["parent_id"] as? String == gatewayClient?["span_id"] as? String)
            // Each reaction links to the span that wrote the event (an order-service span of the same trace).
            let orderSpans = Set(traced.filter { $0["service"] as? String == "order-service" }.compactMap { $0["span_id"] as? String })
            for reaction in traced where (reaction["name"] as? String)?.hasSuffix("order_created") == true {
                let links = reaction["links"] as? [[String: Any]] ?? []
                #expect(links.contains { $0["trace_id"] as? String == Self.traceID && orderSpans.contains($0["span_id"] as? String ?? "") },
                        "\(reaction)")
            }
            // No span of the order's work lost the trace: every span that names the order's path is in it.
            let orderPaths = spans().filter { ($0["name"] as? String) == "POST /order" }
            #expect(orderPaths.allSatisfy { $0["trace_id"] as? String == Self.traceID })
        }
    }
}
