import Foundation
import NIOCore
import NIOHTTP1
import ShopDomain
import ShopEventStore
import ShopHTTP
import ShopTestSupport
import Testing

extension ReactionTests {
    /// The public API of a test stack (the gateway, or one service directly), with what the reaction tests check.
    struct ShopClient: Sendable {
        let stack: ServiceStack
        let clients: [String: HTTPClient]

        init(_ stack: ServiceStack) throws {
            self.stack = stack
            var clients: [String: HTTPClient] = [:]
            for executable in stack.executables { clients[executable] = try StackTests.client(stack, executable) }
            self.clients = clients
        }

        func shutdown() async {
            for client in clients.values { await client.shutdown() }
        }

        /// One request; any status is an answer.
        func send(_ method: HTTPMethod, _ path: String, _ body: String? = nil, to executable: String = "gateway-api",
                  contentType: String = "application/json") async throws -> ClientResponse {
            try await send(method, path, body.map { ByteBuffer(string: $0) }, to: executable, contentType: contentType)
        }

        func send(_ method: HTTPMethod, _ path: String, _ body: ByteBuffer?, to executable: String = "gateway-api",
                  contentType: String = "application/json") async throws -> ClientResponse {
            guard let client = clients[executable] else { throw TestSupportError("\(executable) is not in this stack") }
            var headers = HTTPHeaders()
            if body != nil { headers.add(name: "content-type", value: contentType) }
            return try await client.execute(method, path, headers: headers, body: body)
        }

        /// POSTs to the gateway, which must answer 200 with the new ids.
        func post(_ path: String, _ body: String) async throws -> [String] {
            let answer = try await send(.POST, path, body)
            guard answer.status == .ok else {
                throw TestSupportError("POST \(path) answered \(answer.status): \(String(buffer: answer.body))")
            }
            return try JSONDecoder().decode([String].self, from: Data(answer.body.readableBytesView))
        }

        func createCustomers(_ count: Int) async throws -> [Customer] {
            let drafts = (0..<count).map { _ in
                let name = "c" + UUID().uuidString.prefix(8).lowercased()
                return Customer(id: "", name: name, email: "\(name)@example.com")
            }
            let body = "[" + drafts.map { #"{"name":"\#($0.name)","email":"\#($0.email)"}"# }.joined(separator: ",") + "]"
            let ids = try await post("/customers", body)
            return zip(ids, drafts).map { Customer(id: $0, name: $1.name, email: $1.email) }
        }

        /// `requests` concurrent POSTs of `size` customers each: a burst.
        func createCustomerBurst(requests: Int = 4, size: Int = 5) async throws -> [Customer] {
            try await withThrowingTaskGroup(of: [Customer].self) { group in
                for _ in 0..<requests { group.addTask { try await createCustomers(size) } }
                return try await group.reduce(into: [Customer]()) { $0 += $1 }
            }
        }

        func createProducts(_ products: [(name: String, price: Int)]) async throws -> [Product] {
            let body = "[" + products.map { #"{"name":"\#($0.name)","price":\#($0.price)}"# }.joined(separator: ",") + "]"
            let ids = try await post("/products", body)
            return zip(ids, products).map { Product(id: $0, name: $1.name, price: $1.price) }
        }

        func stock(_ products: [Product], amount: Int) async throws {
            let body = "[" + products.map { #"{"product_id":"\#($0.id)","amount":\#(amount)}"# }.joined(separator: ",") + "]"
            _ = try await post("/inventory", body)
        }

        func createOrder(_ customer: Customer, _ products: [Product]) async throws -> Order {
            let ids = products.map { "\"\($0.id)\"" }.joined(separator: ",")
            let id = try await post("/orders", #"{"customer_id":"\#(customer.id)","product_ids":[\#(ids)]}"#)[0]
            return Order(id: id, productIDs: products.map(\.id), customerID: customer.id)
        }

        /// `GET /messages` through the gateway, oldest first.
        func messages() async throws -> [ListedMessage] {
            let answer = try await send(.GET, "/messages?limit=10000")
            guard answer.status == .ok else { throw TestSupportError("GET /messages answered \(answer.status)") }
            return try JSONDecoder().decode([ListedMessage].self, from: Data(answer.body.readableBytesView))
        }

        /// Whether every group in `groups` has read and acknowledged everything on all its streams (`GET /status`).
        func caughtUp(_ groups: Set<String>) async throws -> Bool {
            let answer = try await send(.GET, "/status")
            let status = try JSONDecoder().decode(StoreStatus.self, from: Data(answer.body.readableBytesView))
            let followed = status.streams.flatMap(\.groups).filter { groups.contains($0.name) }
            return Set(followed.map(\.name)) == groups && followed.allSatisfy { $0.pending == 0 && $0.lag == 0 }
        }

        /// Entries delivered to `group` and not yet acknowledged, over all its streams (`GET /status`).
        func pending(_ group: String) async throws -> Int {
            let answer = try await send(.GET, "/status")
            let status = try JSONDecoder().decode(StoreStatus.self, from: Data(answer.body.readableBytesView))
            return status.streams.flatMap(\.groups).filter { $0.name == group }.reduce(0) { $0 + $1.pending }
        }

        /// Polls `condition` every 5 ms until it holds; throws naming `what` after `timeout`.
        func waitUntil(_ what: String, timeout: Duration, _ condition: () async throws -> Bool) async throws {
            let deadline = ContinuousClock.now + timeout
            while try await !condition() {
                guard ContinuousClock.now < deadline else {
                    throw TestSupportError("no \(what) after \(timeout); logs in \(stack.logDirectory)")
                }
                try await Task.sleep(for: .milliseconds(5))
            }
        }

        /// Polls until the expected messages are all there and `groups` have caught up (or 60 s pass); then what was
        /// sent of the expected texts (counted) and every message listed.
        func waitForMessages(_ expected: [SentText: Int], groups: Set<String>) async throws -> (counts: [SentText: Int], all: [ListedMessage]) {
            let deadline = ContinuousClock.now + .seconds(60)
            while true {
                let listed: [ListedMessage]
                do {
                    listed = try await messages()
                } catch where ContinuousClock.now <= deadline {
                    // A 503 while the gateway's own Redis pool reconnects (after a Redis restart) is not an answer yet.
                    try await Task.sleep(for: .milliseconds(100))
                    continue
                }
                var counts: [SentText: Int] = [:]
                for message in listed { counts[SentText(to: message.to, msg: message.msg), default: 0] += 1 }
                let complete = expected.allSatisfy { counts[$0.key, default: 0] >= $0.value }
                if complete, (try? await caughtUp(groups)) == true {
                    // Read again: anything sent between the two reads is counted too.
                    let final = try await messages()
                    var finalCounts: [SentText: Int] = [:]
                    for message in final { finalCounts[SentText(to: message.to, msg: message.msg), default: 0] += 1 }
                    return (finalCounts, final)
                }
                if ContinuousClock.now > deadline {
                    Issue.record("messages or catch-up missing after 60 s; logs in \(stack.logDirectory)")
                    return (counts, listed)
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Each text sent a different number of times than expected: "sent 2×, expected 1×: to …".
    static func mismatches(_ sent: [SentText: Int], _ expected: [SentText: Int]) -> [String] {
        Set(sent.keys).union(expected.keys).compactMap { text in
            let (count, wanted) = (sent[text, default: 0], expected[text, default: 0])
            return count == wanted ? nil : "sent \(count)×, expected \(wanted)×: \(text)"
        }
    }

    /// A message by what its recipient sees.
    struct SentText: Hashable, CustomStringConvertible {
        var to: String
        var msg: String

        init(to: String, msg: String) {
            self.to = to
            self.msg = msg
        }

        init(_ customer: Customer, _ msg: String) {
            self.init(to: customer.email, msg: msg)
        }

        var description: String { "to \(to): \(msg.debugDescription)" }
    }

    /// One entry of `GET /messages`.
    struct ListedMessage: Decodable {
        var to: String
        var msg: String
        var key: String
        var sentAt: Int

        enum CodingKeys: String, CodingKey {
            case to, msg, key
            case sentAt = "sent_at"
        }
    }
}
