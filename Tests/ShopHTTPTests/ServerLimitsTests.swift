import ShopHTTP
import Testing

@Suite("HTTP server: limits, timeouts and bad input")
struct ServerLimitsTests {
    static func routes(_ router: inout Router) {
        router.get("/ok") { _ in .json("ok") }
        router.post("/size") { request in .json(request.body.readableBytes) }
    }

    static func configuration(_ change: (inout HTTPServerConfiguration) -> Void) -> HTTPServerConfiguration {
        var configuration = HTTPServerConfiguration()
        change(&configuration)
        return configuration
    }

    @Test func bodyOverTheLimitIs413() async throws {
        let configuration = Self.configuration { $0.maxBodySize = 1000 }
        try await withServer(configuration, routes: Self.routes) { _, port in
            let declared = try await RawConnection.connect(port: port)
            try await declared.send("POST /size HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n" + String(repeating: "x", count: 1001))
            try await eventually("413 and close") { declared.isClosed }
            #expect(declared.responses.first?.status == 413)
            #expect(declared.responses.first?.body == #"{"error":"request body exceeds 1000 bytes"}"#)

            let chunked = try await RawConnection.connect(port: port)
            let chunk = String(repeating: "y", count: 600)
            try await chunked.send("POST /size HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n\(chunk)\r\n258\r\n\(chunk)\r\n0\r\n\r\n")
            try await eventually("413 and close for a chunked body") { chunked.isClosed }
            #expect(chunked.responses.first?.status == 413)

            let fits = try await RawConnection.connect(port: port)
            try await fits.send("POST /size HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n" + String(repeating: "x", count: 1000))
            try await eventually("a body at the limit is served") { fits.responses.count == 1 }
            #expect(fits.responses[0].body == "1000")
            await fits.close()
        }
    }

    @Test func oversizedHeadersAre431() async throws {
        let configuration = Self.configuration { $0.maxHeaderSize = 1024 }
        try await withServer(configuration, routes: Self.routes) { _, port in
            let connection = try await RawConnection.connect(port: port)
            try await connection.send("GET /ok HTTP/1.1\r\nHost: t\r\nX-Big: \(String(repeating: "b", count: 2000))\r\n\r\n")
            try await eventually("431 and close") { connection.isClosed }
            #expect(connection.responses.first?.status == 431)
        }
    }

    @Test func malformedRequestLineIs400AndCloses() async throws {
        try await withServer(routes: Self.routes) { _, port in
            let connection = try await RawConnection.connect(port: port)
            try await connection.send("GET\u{1} /ok HTTP/1.1\r\nHost: t\r\n\r\n")
            try await eventually("400 and close") { connection.isClosed }
            #expect(connection.responses.first?.status == 400)
            #expect(connection.responses.first?.header("connection") == "close")
        }
    }

    @Test func garbageBytesDoNotHurtOtherConnections() async throws {
        try await withServer(routes: Self.routes) { _, port in
            let garbage = try await RawConnection.connect(port: port)
            try await garbage.send(bytes: (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) })
            try await eventually("the garbage connection is closed") { garbage.isClosed }

            let valid = try await RawConnection.connect(port: port)
            try await valid.send("GET /ok HTTP/1.1\r\nHost: t\r\n\r\n")
            try await eventually("a valid connection is still served") { valid.responses.count == 1 }
            #expect(valid.responses[0].status == 200)
            await valid.close()
        }
    }

    @Test func slowLorisIsClosedByTheHeaderTimeout() async throws {
        let configuration = Self.configuration {
            $0.headerReadTimeout = .milliseconds(300)
            $0.idleTimeout = .seconds(60)
        }
        try await withServer(configuration, routes: Self.routes) { _, port in
            let connection = try await RawConnection.connect(port: port)
            let started = ContinuousClock.now
            try await connection.send("GET /ok HTTP/1.1\r\n")
            // Keep trickling header bytes for up to 30 s: each one alone would keep an idle timer alive.
            var index = 0
            while !connection.isClosed, ContinuousClock.now - started < .seconds(30) {
                try? await connection.send("X-\(index): a\r\n")
                index += 1
                try await Task.sleep(for: .milliseconds(50))
            }
            try await eventually("the slow connection is closed") { connection.isClosed }
            // Cut off by the 300 ms header timeout, far sooner than the trickle would have ended (a loaded machine
            // can be seconds late).
            #expect(ContinuousClock.now - started < .seconds(15))
            #expect(connection.responses.first?.status == 408)
        }
    }

    @Test func idleConnectionIsClosed() async throws {
        let configuration = Self.configuration { $0.idleTimeout = .milliseconds(300) }
        try await withServer(configuration, routes: Self.routes) { server, port in
            let connection = try await RawConnection.connect(port: port)
            try await connection.send("GET /ok HTTP/1.1\r\nHost: t\r\n\r\n")
            try await eventually("a response") { connection.responses.count == 1 }
            try await eventually("the idle connection is closed") { connection.isClosed }
            try await eventually("the server forgets it") { server.openConnections == 0 }
        }
    }

    @Test func aSlowHandlerIsNotCutOffByConnectionTimeouts() async throws {
        let configuration = Self.configuration {
            // 1 s, not less: the idle timer runs from the connect, and a loaded machine can be that late to send.
            $0.headerReadTimeout = .seconds(1)
            $0.idleTimeout = .seconds(1)
        }
        try await withServer(configuration, routes: { router in
            router.get("/slow") { _ in
                try await Task.sleep(for: .milliseconds(1500))
                return .json("finally")
            }
        }) { _, port in
            let connection = try await RawConnection.connect(port: port)
            // A second request pipelined behind the slow one waits longer than both timeouts, and is still served.
            try await connection.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\nGET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
            try await eventually("the slow handler answers") { connection.responses.count == 2 || connection.isClosed }
            #expect(connection.responses.map(\.body) == [#""finally""#, #""finally""#])
            await connection.close()
        }
    }

    @Test func aStalledBodyIsTimedOut() async throws {
        // 1 s: the same timer guards the wait for the first byte, which a loaded machine can delay.
        let configuration = Self.configuration { $0.idleTimeout = .seconds(1) }
        try await withServer(configuration, routes: Self.routes) { _, port in
            let connection = try await RawConnection.connect(port: port)
            try await connection.send("POST /size HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly a part")
            try await eventually("the stalled request is closed") { connection.isClosed }
            #expect(connection.responses.first?.status == 408)
        }
    }

    @Test func connectionsOverTheLimitAreRefused() async throws {
        let configuration = Self.configuration { $0.maxConnections = 2 }
        try await withServer(configuration, routes: Self.routes) { server, port in
            var admitted: [RawConnection] = []
            for _ in 0..<2 {
                let connection = try await RawConnection.connect(port: port)
                try await connection.send("GET /ok HTTP/1.1\r\nHost: t\r\n\r\n")
                try await eventually("an admitted connection is served") { connection.responses.count == 1 }
                admitted.append(connection)
            }
            let refused = try await RawConnection.connect(port: port)
            try await eventually("the third connection is refused") { refused.isClosed }
            #expect(refused.responses.first?.status == 503)

            await admitted[0].close()
            try await eventually("a slot is free again") { server.openConnections == 1 }
            let next = try await RawConnection.connect(port: port)
            try await next.send("GET /ok HTTP/1.1\r\nHost: t\r\n\r\n")
            try await eventually("a new connection is served") { next.responses.count == 1 }
            #expect(next.responses[0].status == 200)
            await next.close()
            await admitted[1].close()
        }
    }
}
