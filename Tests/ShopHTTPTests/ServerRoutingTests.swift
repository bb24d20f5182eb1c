import Foundation
import ShopHTTP
import Synchronization
import Testing

@Suite("HTTP server: routing and JSON answers")
struct ServerRoutingTests {
    static func routes(_ router: inout Router) {
        router.get("/order/{id}") { request in
            .json(["id": request.parameters["id"] ?? "", "filter": request.query["filter"] ?? ""])
        }
        router.get("/orders") { _ in .json(["all"]) }
        router.get("/orders/unbilled") { _ in .json(["unbilled"]) }
        router.delete("/order/{id}") { _ in .json(true) }
        router.post("/items") { request in .json([request.body.readableBytes], status: .created) }
        router.get("/log-id") { request in
            .json(request.logger[metadataKey: "request.id"]?.description ?? "none")
        }
        router.get("/fail") { _ in throw HTTPError(.conflict, "out of stock") }
        router.get("/crash") { _ in throw CocoaError(.fileNoSuchFile, userInfo: ["secret": "db password"]) }
    }

    private func send(_ port: Int, _ request: String) async throws -> RawResponse {
        let connection = try await RawConnection.connect(port: port)
        try await connection.send(request)
        try await eventually("a response arrives") { connection.responses.count == 1 }
        await connection.close()
        return connection.responses[0]
    }

    private func post(_ port: Int, _ path: String, _ body: String, contentType: String? = "application/json") async throws -> RawResponse {
        let type = contentType.map { "Content-Type: \($0)\r\n" } ?? ""
        return try await self.send(port, "POST \(path) HTTP/1.1\r\nHost: t\r\n\(type)Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
    }

    @Test func pathParametersAndQueryAreDecoded() async throws {
        try await withServer(routes: Self.routes) { _, port in
            let response = try await self.send(port, "GET /order/a%20b?filter=x+y%21 HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(response.status == 200)
            #expect(response.header("content-type") == "application/json")
            let body = try JSONDecoder().decode([String: String].self, from: Data(response.body.utf8))
            #expect(body == ["id": "a b", "filter": "x y!"])
        }
    }

    @Test func staticRouteWinsOverNothingAndTrailingSlashIsTheSameRoute() async throws {
        try await withServer(routes: Self.routes) { _, port in
            let unbilled = try await self.send(port, "GET /orders/unbilled HTTP/1.1\r\nHost: t\r\n\r\n")
            let all = try await self.send(port, "GET /orders/ HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(unbilled.body == #"["unbilled"]"#)
            #expect(all.body == #"["all"]"#)
        }
    }

    @Test func unknownPathIsJSON404() async throws {
        try await withServer(routes: Self.routes) { _, port in
            let response = try await self.send(port, "GET /nothing/here HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(response.status == 404)
            #expect(response.header("content-type") == "application/json")
            #expect(response.body == #"{"error":"no route for GET /nothing/here"}"#)
        }
    }

    @Test func wrongMethodIs405WithAllow() async throws {
        try await withServer(routes: Self.routes) { _, port in
            let response = try await self.send(port, "PUT /order/7 HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n")
            #expect(response.status == 405)
            #expect(response.header("allow") == "GET, DELETE")
            #expect(response.body.contains("\"error\""))
        }
    }

    @Test func nonJSONContentTypeIs415AndMissingOneIsAccepted() async throws {
        try await withServer(routes: Self.routes) { _, port in
            let form = try await self.post(port, "/items", "name=pen", contentType: "application/x-www-form-urlencoded")
            #expect(form.status == 415)
            let untyped = try await self.post(port, "/items", #"{"name":"pen","price":2}"#, contentType: nil)
            #expect(untyped.status == 201)
            let charset = try await self.post(port, "/items", #"{"name":"pen","price":2}"#, contentType: "Application/JSON; charset=utf-8")
            #expect(charset.status == 201)
        }
    }

    @Test func handlerErrorsBecomeJSONAndUnexpectedOnesAGeneric500() async throws {
        try await withServer(routes: Self.routes) { _, port in
            let conflict = try await self.send(port, "GET /fail HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(conflict.status == 409)
            #expect(conflict.body == #"{"error":"out of stock"}"#)
            let crash = try await self.send(port, "GET /crash HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(crash.status == 500)
            #expect(crash.body == #"{"error":"internal server error"}"#)
        }
    }

    @Test func requestIDIsHonouredOrMade() async throws {
        try await withServer(routes: Self.routes) { _, port in
            let given = try await self.send(port, "GET /orders HTTP/1.1\r\nHost: t\r\nX-Request-Id: abc-123\r\n\r\n")
            #expect(given.header("x-request-id") == "abc-123")
            let made = try await self.send(port, "GET /orders HTTP/1.1\r\nHost: t\r\n\r\n")
            let other = try await self.send(port, "GET /orders HTTP/1.1\r\nHost: t\r\nX-Request-Id: has space\r\n\r\n")
            #expect(made.header("x-request-id")?.count == 16)
            #expect(other.header("x-request-id")?.count == 16)
            #expect(made.header("x-request-id") != other.header("x-request-id"))
            let logged = try await self.send(port, "GET /log-id HTTP/1.1\r\nHost: t\r\nX-Request-Id: trace-7\r\n\r\n")
            #expect(logged.body == #""trace-7""#)
        }
    }

    @Test func completedRequestsAreReportedByRoutePattern() async throws {
        let records = Mutex<[RequestRecord]>([])
        try await withServer(onRequestCompleted: { record in records.withLock { $0.append(record) } }, routes: Self.routes) { _, port in
            _ = try await self.send(port, "GET /order/42 HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = try await self.send(port, "GET /missing HTTP/1.1\r\nHost: t\r\n\r\n")
            try await eventually("both requests are reported") { records.withLock { $0.count } == 2 }
        }
        let seen = records.withLock { $0.map { "\($0.method) \($0.route) \($0.status)" } }
        #expect(seen == ["GET /order/{id} 200", "GET unmatched 404"])
    }
}
