import Foundation
import NIOCore
import ShopDomain
import ShopEventStore
import ShopHTTP
import ShopService
import ShopTestSupport
import Testing

/// crm-service, billing-service and msg-service as real executables: every message sent once, also when crm-service
/// was stopped or killed while events arrived.
@Suite("End to end: reactions and messages", .serialized)
struct ReactionTests {
    /// Entries of a killed consumer are claimed after a second, not the default 30.
    static let environmentDefaults = ["CONSUMER_CLAIM_IDLE_MS": "1000"]

    @Test("crm-service stopped, 5 customers created, started again: 5 welcomes, each once")
    func catchUpAfterStop() async throws {
        let redis = try await TestRedis.start()
        defer { redis.stop() }
        let executables = ["gateway-api", "customer-service", "crm-service", "msg-service"]
        try await withServiceStack(executables, environment: Self.environment(redis)) { stack in
            let shop = try ShopClient(stack)
            await stack.stop("crm-service")
            let customers = try await shop.createCustomers(5)
            #expect(try await shop.messages().isEmpty, "nothing is sent while crm-service is stopped")

            try await stack.start("crm-service")
            let expected = Dictionary(uniqueKeysWithValues: customers.map { (SentText($0, Messages.welcome($0)), 1) })
            let sent = try await shop.waitForMessages(expected, groups: ["crm-service"])
            #expect(Self.mismatches(sent.counts, expected) == [])
            #expect(sent.all.allSatisfy { $0.key.hasSuffix(":welcome") })
            await shop.shutdown()
        }
    }

    @Test("crm-service killed (-9) in the middle of a burst of 20 customers: after a restart all 20 welcomed once")
    func catchUpAfterKill() async throws {
        let redis = try await TestRedis.start()
        defer { redis.stop() }
        let executables = ["gateway-api", "customer-service", "crm-service", "msg-service"]
        try await withServiceStack(executables, environment: Self.environment(redis)) { stack in
            let shop = try ShopClient(stack)
            // Four concurrent requests of five; crm-service is killed as soon as the first welcome is out, while it
            // works through the burst (entries it has sent may not be acknowledged yet: they come back after the restart).
            let customers = try await shop.createCustomerBurst()
            try await shop.waitUntil("a first welcome", timeout: .seconds(30)) { try await !shop.messages().isEmpty }
            await stack.kill("crm-service")
            let sentBeforeKill = try await shop.messages().count
            try await stack.start("crm-service")
            let expected = Dictionary(uniqueKeysWithValues: customers.map { (SentText($0, Messages.welcome($0)), 1) })
            let sent = try await shop.waitForMessages(expected, groups: ["crm-service"])
            #expect(Self.mismatches(sent.counts, expected) == [], "\(sentBeforeKill) sent before the kill")
            #expect(Set(sent.all.map(\.key)).count == sent.all.count, "every message has its own key")
            await shop.shutdown()
        }
    }

    @Test("crm-service killed while msg-service is down: its delivered entries are claimed after the restart and sent once")
    func claimAfterKillDuringOutage() async throws {
        let redis = try await TestRedis.start()
        defer { redis.stop() }
        let executables = ["gateway-api", "customer-service", "crm-service", "msg-service"]
        try await withServiceStack(executables, environment: Self.environment(redis)) { stack in
            let shop = try ShopClient(stack)
            await stack.stop("msg-service")
            let customers = try await shop.createCustomers(10)
            // crm-service has read the entries and waits for msg-service: delivered, not acknowledged.
            try await shop.waitUntil("crm-service waiting for msg-service with 10 pending entries", timeout: .seconds(30)) {
                try await shop.pending("crm-service") == 10 && stack.log(of: "crm-service").contains("message not sent yet, retrying")
            }
            await stack.kill("crm-service")
            try await stack.start("msg-service")
            try await stack.start("crm-service")
            let expected = Dictionary(uniqueKeysWithValues: customers.map { (SentText($0, Messages.welcome($0)), 1) })
            let sent = try await shop.waitForMessages(expected, groups: ["crm-service"])
            #expect(Self.mismatches(sent.counts, expected) == [])
            #expect(stack.log(of: "crm-service").contains("claimed an idle entry"), "the new process took over the dead one's entries")
            await shop.shutdown()
        }
    }

    @Test("Redis killed under crm-service and msg-service: POST /email is a 503 meanwhile; after the restart the next customers are welcomed once",
          .disabled(if: TestRedis.clusterRequested, "kills and restarts one redis-server"))
    func redisRestart() async throws {
        let redis = try await RedisTestServer.start(RedisTestServer.Options(appendOnly: true))
        defer { redis.stop() }
        let executables = ["gateway-api", "customer-service", "crm-service", "msg-service"]
        try await withServiceStack(executables, environment: Self.environment(redis)) { stack in
            let shop = try ShopClient(stack)
            let before = try await shop.createCustomers(3)
            _ = try await shop.waitForMessages(
                Dictionary(uniqueKeysWithValues: before.map { (SentText($0, Messages.welcome($0)), 1) }), groups: ["crm-service"])
            // Killed, not stopped, as a crash would: AOF with fsync always keeps every acknowledged write.
            redis.kill()
            let body = #"{"to":"a@b.co","msg":"hi","key":"while-down"}"#
            try await shop.waitUntil("a 503 from msg-service while Redis is down", timeout: .seconds(30)) {
                try await shop.send(.POST, "/email", body, to: "msg-service").status == .serviceUnavailable
            }
            try await redis.restart()
            var after: [Customer] = []
            try await shop.waitUntil("customer-service taking customers again", timeout: .seconds(30)) {
                do {
                    after = try await shop.createCustomers(3)
                    return true
                } catch {
                    return false  // 503 while it reconnects
                }
            }
            let expected = Dictionary(uniqueKeysWithValues: (before + after).map { (SentText($0, Messages.welcome($0)), 1) })
            let sent = try await shop.waitForMessages(expected, groups: ["crm-service"])
            #expect(Self.mismatches(sent.counts, expected) == [])
            #expect(stack.isRunning("crm-service") && stack.isRunning("msg-service"))
            await shop.shutdown()
        }
    }

    @Test("an order and its billing: confirmation, payment request and thank-you, each once, with the prices summed")
    func orderAndBillingMessages() async throws {
        let redis = try await TestRedis.start()
        defer { redis.stop() }
        let executables = ["gateway-api", "customer-service", "product-service", "inventory-service", "order-service",
                           "billing-service", "crm-service", "msg-service"]
        try await withServiceStack(executables, environment: Self.environment(redis)) { stack in
            let shop = try ShopClient(stack)
            let customer = try await shop.createCustomers(1)[0]
            let products = try await shop.createProducts([("Lamp", 30), ("Chair", 45)])
            try await shop.stock(products, amount: 10)
            let order = try await shop.createOrder(customer, [products[0], products[0], products[1]])
            _ = try await shop.post("/billing", #"{"order_id":"\#(order.id)"}"#)

            let items = [products[0], products[0], products[1]]
            let expected = [
                SentText(customer, Messages.welcome(customer)): 1,
                SentText(customer, Messages.orderConfirmation(customer, products: items)): 1,
                SentText(customer, Messages.paymentRequest(customer, products: items)): 1,
                SentText(customer, Messages.paymentReceived(customer, products: items)): 1,
            ]
            let sent = try await shop.waitForMessages(expected, groups: ["crm-service", "billing-service"])
            #expect(Self.mismatches(sent.counts, expected) == [])
            #expect(Messages.paymentRequest(customer, products: items).contains("€ 105 "))
            let kinds = sent.all.compactMap { $0.key.split(separator: ":").last.map(String.init) }.sorted()
            #expect(kinds == ["order-confirmation", "payment-received", "payment-request", "welcome"])
            await shop.shutdown()
        }
    }

    @Test("crm-service catching up after an order's customer and product were deleted still writes their names")
    func catchUpAfterDeletion() async throws {
        let redis = try await TestRedis.start()
        defer { redis.stop() }
        let executables = ["gateway-api", "customer-service", "product-service", "inventory-service", "order-service",
                           "crm-service", "msg-service"]
        try await withServiceStack(executables, environment: Self.environment(redis)) { stack in
            let shop = try ShopClient(stack)
            await stack.stop("crm-service")
            let customer = try await shop.createCustomers(1)[0]
            let products = try await shop.createProducts([("Desk", 120)])
            try await shop.stock(products, amount: 5)
            _ = try await shop.createOrder(customer, [products[0]])
            #expect(try await shop.send(.DELETE, "/customer/\(customer.id)").status == .ok)
            #expect(try await shop.send(.DELETE, "/product/\(products[0].id)").status == .ok)

            try await stack.start("crm-service")
            let expected = [
                SentText(customer, Messages.welcome(customer)): 1,
                SentText(customer, Messages.orderConfirmation(customer, products: products)): 1,
                SentText(customer, Messages.goodbye(customer)): 1,
            ]
            let sent = try await shop.waitForMessages(expected, groups: ["crm-service"])
            #expect(Self.mismatches(sent.counts, expected) == [])
            await shop.shutdown()
        }
    }

    @Test("an order whose customer never existed is dead-lettered; the orders read in the same batch are confirmed once")
    func poisonEventInABatch() async throws {
        let executables = ["gateway-api", "customer-service", "product-service", "inventory-service", "order-service",
                           "crm-service", "msg-service"]
        let environment = Self.environmentDefaults.merging(["CONSUMER_MAX_DELIVERIES": "2"]) { _, given in given }
        try await ShopHarness.run(executables: executables, environment: environment) { harness in
            let shop = try ShopClient(harness.stack)
            await harness.stack.stop("crm-service")
            let customer = try await shop.createCustomers(1)[0]
            let products = try await shop.createProducts([("Lamp", 30)])
            try await shop.stock(products, amount: 10)
            _ = try await shop.createOrder(customer, products)
            // Written straight to the store, past order-service's reference check: no message can name its customer.
            let stranger = "00000000-0000-4000-8000-000000000000"
            let poison = try await harness.store.create([Order(id: "", productIDs: [products[0].id], customerID: stranger)])[0]
            _ = try await shop.createOrder(customer, products)

            try await harness.stack.start("crm-service")
            let expected = [
                SentText(customer, Messages.welcome(customer)): 1,
                SentText(customer, Messages.orderConfirmation(customer, products: products)): 2,
            ]
            let sent = try await shop.waitForMessages(expected, groups: ["crm-service"])
            #expect(Self.mismatches(sent.counts, expected) == [])
            let deadLetters = try await harness.redis.send("XRANGE", "deadletter:{order}", "-", "+")
            let entries = deadLetters.array ?? []
            #expect(entries.count == 1, "the poison order, once")
            let fields = entries.first?.array?.last?.array?.compactMap(\.string) ?? []
            #expect(fields.contains(poison.id), "the dead letter carries the entry: \(fields.prefix(12))")
            #expect(fields.contains("crm-service"), "and names the group")
            await shop.shutdown()
        }
    }

    @Test("msg-service records a message once per key, also under 20 concurrent deliveries, text unchanged")
    func messageOncePerKey() async throws {
        let redis = try await TestRedis.start()
        defer { redis.stop() }
        try await withServiceStack(["gateway-api", "msg-service"], environment: Self.environment(redis)) { stack in
            let shop = try ShopClient(stack)
            let text = "Dear Zoë \"Z\" 🚀!\n\nWelcome to Ordershop.\n\nCheers"
            let body = try String(decoding: JSONEncoder().encode(["to": "zoe@example.com", "msg": text, "key": "k-1"]), as: UTF8.self)
            let answers = try await withThrowingTaskGroup(of: ClientResponse.self) { group in
                for _ in 0..<20 { group.addTask { try await shop.send(.POST, "/email", body, to: "msg-service") } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.status == .ok })
            let decoded = try answers.map { try JSONDecoder().decode(EmailAnswer.self, from: Data($0.body.readableBytesView)) }
            #expect(decoded.filter(\.sent).count == 1, "exactly one delivery records the message")
            #expect(Set(decoded.map(\.id)).count == 1, "the repeats name the entry of the first")
            let listed = try await shop.messages()
            #expect(listed.count == 1)
            #expect(listed.first?.msg == text && listed.first?.to == "zoe@example.com" && listed.first?.key == "k-1")
            #expect((listed.first?.sentAt ?? 0) > 1_700_000_000, "sent_at is Unix seconds")
            await shop.shutdown()
        }
    }

    @Test("msg-service records a batch (a JSON array) in order, each once per key, and answers per message")
    func messageBatch() async throws {
        let redis = try await TestRedis.start()
        defer { redis.stop() }
        try await withServiceStack(["gateway-api", "msg-service"], environment: Self.environment(redis)) { stack in
            let shop = try ShopClient(stack)
            let first = try await shop.send(.POST, "/email", #"{"to":"b@example.com","msg":"two","key":"k-2"}"#, to: "msg-service")
            #expect(first.status == .ok)
            let batch = #"[{"to":"a@example.com","msg":"one","key":"k-1"},{"to":"b@example.com","msg":"two","key":"k-2"},"#
                + #"{"to":"c@example.com","msg":"three","key":"k-3"}]"#
            let answer = try await shop.send(.POST, "/email", batch, to: "msg-service")
            #expect(answer.status == .ok)
            let answers = try JSONDecoder().decode([EmailAnswer].self, from: Data(answer.body.readableBytesView))
            #expect(answers.map(\.sent) == [true, false, true], "k-2 was recorded before")
            let listed = try await shop.messages()
            #expect(listed.map(\.key) == ["k-2", "k-1", "k-3"], "in the order sent, the repeat not again")
            #expect(listed.map(\.msg) == ["two", "one", "three"])
            let twice = try await shop.send(.POST, "/email", #"[{"to":"d@example.com","msg":"four","key":"k-4"},"#
                + #"{"to":"d@example.com","msg":"four","key":"k-4"}]"#, to: "msg-service")
            let repeated = try JSONDecoder().decode([EmailAnswer].self, from: Data(twice.body.readableBytesView))
            #expect(repeated.map(\.sent) == [true, false], "a key twice in one batch is recorded once")
            #expect(Set(repeated.map(\.id)).count == 1)
            #expect(try await shop.messages().count == 4)
            await shop.shutdown()
        }
    }

    @Test("msg-service answers bad input with a clear 400 (415 for a non-JSON type) and records nothing")
    func badMessages() async throws {
        let redis = try await TestRedis.start()
        defer { redis.stop() }
        try await withServiceStack(["gateway-api", "msg-service"], environment: Self.environment(redis)) { stack in
            let shop = try ShopClient(stack)
            let cases: [(body: String, status: UInt, mentions: String)] = [
                ("not json", 400, ""),
                ("", 400, ""),
                ("[]", 400, "object"),
                (#""text""#, 400, "object"),
                ("{}", 400, "'to'"),
                (#"{"to":"a@b.co","msg":"hi"}"#, 400, "'key'"),
                (#"{"to":1,"msg":"hi","key":"k"}"#, 400, "'to' must be a string"),
                (#"{"to":null,"msg":"hi","key":"k"}"#, 400, "'to' must not be null"),
                (#"{"to":"a@b.co","msg":"   ","key":"k"}"#, 400, "'msg' must not be empty"),
                (#"{"to":"nobody","msg":"hi","key":"k"}"#, 400, "e-mail address"),
                (#"{"to":"a@b.co","msg":"hi","key":"k\u0001"}"#, 400, "control characters"),
                (#"{"to":"a@b.co","msg":"hi\u007f","key":"k"}"#, 400, "'msg' must not contain control characters"),
                (#"{"to":"a@b.co","msg":"caf\u00e9\u0085","key":"k"}"#, 400, "'msg' must not contain control characters"),
                (#"{"to":"a@b.co","msg":"\u00a0\u2003\n","key":"k"}"#, 400, "'msg' must not be empty"),
                (#"{"to":"a@b.co","msg":"hi","key":"k\tj"}"#, 400, "'key' must not contain control characters"),
                (#"{"to":"a@b.co","msg":["hi"],"key":"k"}"#, 400, "'msg' must be a string"),
                (#"{"to":"a@b.co","msg":"hi","key":"k","key":"j"}"#, 400, ""),
                (#"{"to":"a@b.co","msg":"\#(String(repeating: "x", count: 262_145))","key":"k"}"#, 400, "at most"),
                (String(repeating: "[", count: 100_000), 400, ""),
                (#"[{"to":"a@b.co","msg":"hi","key":"k1"},{"to":"a@b.co","msg":"hi"}]"#, 400, "'key'"),
                (#"[{"to":"a@b.co","msg":"hi","key":"k1"},7]"#, 400, "object"),
            ]
            for (body, status, mentions) in cases {
                let answer = try await shop.send(.POST, "/email", body, to: "msg-service")
                let text = String(buffer: answer.body)
                #expect(answer.status.code == status, "\(body.prefix(60)): \(answer.status) \(text.prefix(200))")
                #expect(text.hasPrefix(#"{"error":"#), "\(body.prefix(60)): \(text.prefix(200))")
                #expect(mentions.isEmpty || text.contains(mentions), "\(body.prefix(60)): \(text.prefix(200))")
            }
            let invalidUTF8 = ByteBuffer(bytes: Array(#"{"to":"a@b.co","msg":""#.utf8) + [0xFF, 0xFE] + Array(#"","key":"k"}"#.utf8))
            #expect(try await shop.send(.POST, "/email", invalidUTF8, to: "msg-service").status == .badRequest)
            let plain = try await shop.send(.POST, "/email", #"{"to":"a@b.co","msg":"hi","key":"k"}"#, to: "msg-service",
                                            contentType: "text/plain")
            #expect(plain.status == .unsupportedMediaType)
            #expect(try await shop.messages().isEmpty, "no bad request wrote a message")
            #expect(try await shop.send(.GET, "/health", to: "msg-service").status == .ok)
            await shop.shutdown()
        }
    }

    static func environment(_ redis: RedisTestServer) -> [String: String] {
        environment(url: redis.url)
    }

    static func environment(_ redis: TestRedis) -> [String: String] {
        environment(url: redis.url)
    }

    static func environment(url: String) -> [String: String] {
        environmentDefaults.merging(["REDIS_URL": url]) { _, given in given }
    }

    /// msg-service's answer to `POST /email`.
    struct EmailAnswer: Decodable {
        var sent: Bool
        var id: String
    }
}
