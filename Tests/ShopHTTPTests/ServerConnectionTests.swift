import ShopHTTP
import Testing

@Suite("HTTP server: connections")
struct ServerConnectionTests {
    static func routes(_ router: inout Router) {
        router.get("/echo/{value}") { request in .json(request.parameters["value"] ?? "") }
        router.get("/slow/{value}") { request in
            try await Task.sleep(for: .milliseconds(200))
            return .json(request.parameters["value"] ?? "")
        }
        router.post("/size") { request in .json(request.body.readableBytes) }
    }

    @Test func keepAliveServesSeveralRequestsOnOneConnection() async throws {
        try await withServer(routes: Self.routes) { server, port in
            let connection = try await RawConnection.connect(port: port)
            for index in 1...3 {
                try await connection.send("GET /echo/\(index) HTTP/1.1\r\nHost: t\r\n\r\n")
                try await eventually("response \(index)") { connection.responses.count == index }
            }
            #expect(connection.responses.map(\.body) == [#""1""#, #""2""#, #""3""#])
            #expect(!connection.isClosed)
            #expect(server.openConnections == 1)
            await connection.close()
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withServer(routes: Self.routes) { _, port in
            let connection = try await RawConnection.connect(port: port)
            // The first is the slowest: order must come from the queue, not from who finishes first.
            try await connection.send(
                "GET /slow/first HTTP/1.1\r\nHost: t\r\n\r\nGET /echo/second HTTP/1.1\r\nHost: t\r\n\r\nGET /echo/third HTTP/1.1\r\nHost: t\r\n\r\n"
            )
            try await eventually("three responses") { connection.responses.count == 3 }
            #expect(connection.responses.map(\.body) == [#""first""#, #""second""#, #""third""#])
            await connection.close()
        }
    }

    @Test func connectionCloseIsHonoured() async throws {
        try await withServer(routes: Self.routes) { _, port in
            let connection = try await RawConnection.connect(port: port)
            try await connection.send("GET /echo/a HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\nGET /echo/b HTTP/1.1\r\nHost: t\r\n\r\n")
            try await eventually("the server closes") { connection.isClosed }
            #expect(connection.responses.count == 1)
            #expect(connection.responses.first?.header("connection") == "close")
        }
    }

    @Test func http10ClosesUnlessKeepAliveIsAsked() async throws {
        try await withServer(routes: Self.routes) { _, port in
            let plain = try await RawConnection.connect(port: port)
            try await plain.send("GET /echo/old HTTP/1.0\r\n\r\n")
            try await eventually("an HTTP/1.0 connection closes after its response") { plain.isClosed }
            #expect(plain.responses.first?.statusLine == "HTTP/1.0 200 OK")
            #expect(plain.responses.first?.body == #""old""#)

            let kept = try await RawConnection.connect(port: port)
            try await kept.send("GET /echo/1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            try await eventually("first response") { kept.responses.count == 1 }
            #expect(kept.responses[0].header("connection") == "keep-alive")
            try await kept.send("GET /echo/2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            try await eventually("second response on the same connection") { kept.responses.count == 2 }
            #expect(!kept.isClosed)
            await kept.close()
        }
    }

    @Test func chunkedBodiesAreCollected() async throws {
        try await withServer(routes: Self.routes) { _, port in
            let connection = try await RawConnection.connect(port: port)
            try await connection.send("POST /size HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
            try await eventually("a response") { connection.responses.count == 1 }
            #expect(connection.responses[0].body == "11")
            await connection.close()
        }
    }

    @Test func expectContinueIsAnswered() async throws {
        try await withServer(routes: Self.routes) { _, port in
            let connection = try await RawConnection.connect(port: port)
            try await connection.send("POST /size HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
            try await eventually("100 Continue") { connection.text.hasPrefix("HTTP/1.1 100 Continue\r\n\r\n") }
            try await connection.send("abc")
            try await eventually("the final response") { connection.text.contains("\r\n\r\n3") }
            await connection.close()
        }
    }
}
