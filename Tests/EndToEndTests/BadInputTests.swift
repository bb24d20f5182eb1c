import Foundation
import ShopDomain
import ShopHTTP
import ShopTestSupport
import Testing

/// Bad input of every category through the nine real executables: a 4xx JSON error, no event written,
/// nothing crashed.
@Suite("End to end: bad input", .serialized)
struct BadInputTests {
    /// One bad request and the status it must get; `{customer}`, `{pen}` (stock 1), `{order}` in path and body
    /// are replaced by live ids, `{ghost}` by an id that names nothing.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var method: HTTPMethod = .POST
        var path: String
        var body: [UInt8]?
        var headers: [(String, String)] = []
        var status: UInt

        init(_ name: String, _ path: String, _ body: String?, _ status: UInt, method: HTTPMethod = .POST,
             headers: [(String, String)] = []) {
            self.init(name, path, bytes: body.map { Array($0.utf8) }, status, method: method, headers: headers)
        }

        init(_ name: String, _ path: String, bytes: [UInt8]?, _ status: UInt, method: HTTPMethod = .POST,
             headers: [(String, String)] = []) {
            self.name = name
            self.method = method
            self.path = path
            self.body = bytes
            self.headers = headers
            self.status = status
        }

        var testDescription: String { name }
    }

    static let customer = #"{"name":"Ann","email":"ann@example.com"}"#
    static let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)

    static let cases: [Case] = [
        // Malformed JSON and encodings.
        Case("malformed JSON", "/customers", #"{"name":"Ann","#, 400),
        Case("invalid UTF-8", "/customers", bytes: Array(#"{"name":""#.utf8) + [0xC3, 0x28] + Array(#"","email":"a@example.com"}"#.utf8), 400),
        Case("byte order mark", "/customers", "\u{FEFF}" + customer, 400),
        Case("duplicate keys", "/customers", #"{"name":"A","name":"B","email":"a@example.com"}"#, 400),
        Case("100,000 levels of nesting", "/customers", deep, 400),
        Case("empty body", "/customers", nil, 400),
        // Wrong shapes.
        Case("a string", "/customers", #""Ann""#, 400),
        Case("a number", "/customers", "42", 400),
        Case("a mixed array", "/customers", "[\(customer), 5]", 400),
        Case("an array of arrays", "/customers", "[[1]]", 400),
        Case("an array where one object goes (PUT)", "/customer/{customer}", "[\(customer)]", 400, method: .PUT),
        Case("more than 1000 items", "/customers", "[" + Array(repeating: customer, count: 1001).joined(separator: ",") + "]", 400),
        // Fields: missing, wrong type, null, bad values.
        Case("missing field", "/customers", #"{"name":"Ann"}"#, 400),
        Case("wrong type", "/customers", #"{"name":5,"email":"a@example.com"}"#, 400),
        Case("null for a value", "/customers", #"{"name":null,"email":"a@example.com"}"#, 400),
        Case("not an e-mail address", "/customers", #"{"name":"Ann","email":"nope"}"#, 400),
        Case("negative price", "/products", #"{"name":"Pen","price":-1}"#, 400),
        Case("fractional price", "/products", #"{"name":"Pen","price":1.5}"#, 400),
        Case("price with a negative exponent", "/products", #"{"name":"Pen","price":1e-3}"#, 400),
        Case("price beyond every integer", "/products", #"{"name":"Pen","price":1e400}"#, 400),
        Case("a misspelt field", "/customers", #"{"name":"Ann","emial":"a@example.com","email":"a@example.com"}"#, 400),
        Case("a field the entity does not have (PUT)", "/customer/{customer}", #"{"name":"Ann","email":"a@example.com","vip":true}"#, 400,
             method: .PUT),
        Case("price out of range", "/products", #"{"name":"Pen","price":99999999999999999999999}"#, 400),
        Case("price as a string", "/products", #"{"name":"Pen","price":"3"}"#, 400),
        Case("negative amount", "/inventory", #"{"product_id":"{pen}","amount":-5}"#, 400),
        Case("empty product_ids", "/orders", #"{"customer_id":"{customer}","product_ids":[]}"#, 400),
        Case("product_ids not an array", "/orders", #"{"customer_id":"{customer}","product_ids":"{pen}"}"#, 400),
        Case("product_ids with a number", "/orders", #"{"customer_id":"{customer}","product_ids":[1]}"#, 400),
        Case("product_ids with a malformed id", "/orders", #"{"customer_id":"{customer}","product_ids":["pen"]}"#, 400),
        Case("1001 product_ids", "/orders",
             #"{"customer_id":"{customer}","product_ids":["# + Array(repeating: "\"{pen}\"", count: 1001).joined(separator: ",") + "]}", 400),
        // References, stock, uniqueness.
        Case("unknown customer", "/orders", #"{"customer_id":"{ghost}","product_ids":["{pen}"]}"#, 422),
        Case("unknown product in an order", "/orders", #"{"customer_id":"{customer}","product_ids":["{pen}","{ghost}"]}"#, 422),
        Case("unknown product for stock", "/inventory", #"{"product_id":"{ghost}","amount":1}"#, 422),
        Case("unknown order for a billing", "/billing", #"{"order_id":"{ghost}"}"#, 422),
        Case("unknown customer on PUT", "/order/{order}", #"{"customer_id":"{ghost}","product_ids":["{pen}"]}"#, 422, method: .PUT),
        Case("stock too low", "/orders", #"{"customer_id":"{customer}","product_ids":["{pen}","{pen}"]}"#, 409),
        Case("second stock entry for a product", "/inventory", #"{"product_id":"{pen}","amount":1}"#, 409),
        Case("second billing for an order", "/billing", #"{"order_id":"{order}"}"#, 409),
        // Ids.
        Case("malformed id on PUT", "/customer/xyz", customer, 400, method: .PUT),
        Case("malformed id on DELETE", "/order/12345", nil, 400, method: .DELETE),
        Case("malformed id on GET", "/product/not-a-uuid", nil, 400, method: .GET),
        Case("unknown id on PUT", "/customer/{ghost}", customer, 404, method: .PUT),
        Case("unknown id on DELETE", "/billing/{ghost}", nil, 404, method: .DELETE),
        // Transport.
        Case("non-JSON content type", "/customers", customer, 415, headers: [("content-type", "text/plain")]),
        Case("oversized headers", "/customers", customer, 431, headers: [("x-padding", String(repeating: "a", count: 40_000))]),
        Case("unknown route", "/customerz", customer, 404),
        Case("method not allowed", "/customers", customer, 405, method: .PATCH),
    ]

    @Test("every category of bad input: its 4xx JSON error and no event written")
    func table() async throws {
        try await ShopHarness.run(executables: ShopHarness.allExecutables) { shop in
            let customer = try await shop.create("/customer", Self.customer)[0]
            let pen = try await shop.create("/product", #"{"name":"Pen","price":3}"#)[0]
            _ = try await shop.create("/inventory", #"{"product_id":"\#(pen)","amount":2}"#)
            let order = try await shop.create("/order", #"{"customer_id":"\#(customer)","product_ids":["\#(pen)"]}"#)[0]
            _ = try await shop.create("/billing", #"{"order_id":"\#(order)"}"#)
            let ghost = EntityID.make()
            func fill(_ text: String) -> String {
                text.replacingOccurrences(of: "{customer}", with: customer).replacingOccurrences(of: "{pen}", with: pen)
                    .replacingOccurrences(of: "{order}", with: order).replacingOccurrences(of: "{ghost}", with: ghost)
            }
            let start = try await shop.eventCount()
            for badCase in Self.cases {
                let body = badCase.body.map { Array(fill(String(decoding: $0, as: UTF8.self)).utf8) }
                let bytes = badCase.name == "invalid UTF-8" ? badCase.body : body
                let reply = try await shop.call(badCase.method, fill(badCase.path), bytes: bytes, headers: badCase.headers)
                #expect(reply.status == badCase.status, "\(badCase.name): \(reply)")
                #expect(reply.error.map { !$0.isEmpty } == true, "\(badCase.name): not a JSON error: \(reply)")
                #expect(!reply.body.contains("internal"), "\(badCase.name): \(reply)")
            }
            #expect(try await shop.eventCount() == start, "no bad request wrote an event")
            #expect(try await shop.stock(of: pen) == 1)
            for executable in shop.stack.executables { #expect(shop.stack.isRunning(executable), "\(executable) still runs") }
        }
    }

    @Test("bodies over the limit are 413, also when only Content-Length says so; garbage is 400 or closed; all stay up")
    func transportAbuse() async throws {
        try await ShopHarness.run(executables: ShopHarness.allExecutables) { shop in
            let start = try await shop.eventCount()
            let gateway = shop.stack.port(of: "gateway-api")
            let huge = "[" + String(repeating: " ", count: 2 << 20) + "]"
            let oversized = try await rawExchange(port: gateway, sending: Array(
                "POST /customers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(huge.utf8.count)\r\n\r\n\(huge)".utf8))
            #expect(oversized.reply.hasPrefix("HTTP/1.1 413"), "\(oversized.reply.prefix(200))")
            let claimed = try await rawExchange(port: gateway, sending: Array(
                "POST /customers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{}".utf8))
            #expect(claimed.reply.hasPrefix("HTTP/1.1 413"), "\(claimed.reply.prefix(200))")
            #expect(claimed.reply.contains(#"{"error":"#))

            // A TLS ClientHello, random bytes and a request line of binary junk on every port.
            let tlsHello: [UInt8] = [0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 0xA1, 0x03, 0x03] + Array(repeating: 0x42, count: 160)
            var generator = SystemRandomNumberGenerator()
            let random = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
            for executable in shop.stack.executables {
                let port = shop.stack.port(of: executable)
                for garbage in [tlsHello, random, Array("GET \u{1}\u{2} HTTP/9.9\r\n\r\n".utf8)] {
                    let answer = try await rawExchange(port: port, sending: garbage)
                    #expect(answer.reply.isEmpty ? answer.closed : answer.reply.hasPrefix("HTTP/1.1 400"),
                            "\(executable): \(answer.reply.prefix(200))")
                }
                let health = try await rawExchange(port: port, sending: Array("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
                #expect(health.reply.hasPrefix("HTTP/1.1 200"), "\(executable) still serves: \(health.reply.prefix(200))")
                #expect(shop.stack.isRunning(executable))
            }
            #expect(try await shop.eventCount() == start)
            #expect(try await shop.call(.GET, "/customers").status == 200)
        }
    }
}
