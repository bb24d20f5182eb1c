import NIOCore
import ShopHTTP
import ShopTestSupport
import Testing

@Suite("HTTP client")
struct HTTPClientTests {
    /// Client limits with margins for a loaded 2-core machine, where connecting can take over the default second.
    static func loadTolerant(_ adjust: (inout HTTPClientConfiguration) -> Void = { _ in }) -> HTTPClientConfiguration {
        var configuration = HTTPClientConfiguration()
        configuration.connectTimeout = .seconds(10)
        configuration.requestTimeout = .seconds(30)
        adjust(&configuration)
        return configuration
    }

    static func routes(_ router: inout Router) {
        router.get("/ping") { _ in .json("pong") }
        router.post("/echo") { request in Response.json(bytes: request.body, status: .created) }
        router.get("/slow") { _ in
            try await Task.sleep(for: .seconds(60))
            return .json("late")
        }
    }

    @Test func reusesOneConnectionForSequentialRequests() async throws {
        try await withServer(routes: Self.routes) { server, port in
            let client = try HTTPClient(baseURL: "http://127.0.0.1:\(port)", configuration: Self.loadTolerant(), logger: testLogger())
            for _ in 0..<5 {
                let response = try await client.execute(.GET, "/ping")
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #""pong""#)
            }
            let echoed = try await client.execute(.POST, "/echo", body: ByteBuffer(string: #"{"a":1}"#))
            #expect(echoed.status == .created)
            #expect(String(buffer: echoed.body) == #"{"a":1}"#)
            #expect(server.openConnections == 1)
            await client.shutdown()
        }
    }

    @Test func concurrentRequestsStayWithinThePoolLimit() async throws {
        try await withServer(routes: Self.routes) { server, port in
            let configuration = Self.loadTolerant { $0.maxConnectionsPerUpstream = 2 }
            let client = try HTTPClient(baseURL: "http://127.0.0.1:\(port)/", configuration: configuration, logger: testLogger())
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for _ in 0..<20 { group.addTask { try await client.execute(.GET, "/ping").status.code } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: 20))
            #expect(server.openConnections <= 2)
            await client.shutdown()
        }
    }

    @Test func requestTimeoutFailsWithTimeout() async throws {
        try await withServer(routes: Self.routes) { _, port in
            // Long enough for a loaded machine to answer /ping, far shorter than /slow takes.
            let configuration = Self.loadTolerant { $0.requestTimeout = .seconds(2) }
            let client = try HTTPClient(baseURL: "http://127.0.0.1:\(port)", configuration: configuration, logger: testLogger())
            let error = await #expect(throws: HTTPClientError.self) { try await client.execute(.GET, "/slow") }
            #expect(error?.code == .timeout)
            // The pool recovers: the timed-out connection is dropped, the next request gets a new one.
            #expect(try await client.execute(.GET, "/ping").status == .ok)
            await client.shutdown()
        }
    }

    @Test func upstreamDownIsUpstreamUnavailable() async throws {
        let client = try HTTPClient(baseURL: "http://127.0.0.1:\(try freePort())", logger: testLogger())
        let error = await #expect(throws: HTTPClientError.self) { try await client.execute(.GET, "/ping") }
        #expect(error?.code == .upstreamUnavailable)
        await client.shutdown()
    }

    @Test func upstreamClosingIdleConnectionsIsRetriedTransparently() async throws {
        var configuration = HTTPServerConfiguration()
        configuration.idleTimeout = .milliseconds(200)
        try await withServer(configuration, routes: Self.routes) { server, port in
            let client = try HTTPClient(baseURL: "http://127.0.0.1:\(port)", configuration: Self.loadTolerant(), logger: testLogger())
            #expect(try await client.execute(.GET, "/ping").status == .ok)
            try await eventually("the server closes the idle connection") { server.openConnections == 0 }
            #expect(try await client.execute(.GET, "/ping").status == .ok)
            await client.shutdown()
        }
    }

    @Test func aGETLostOnAReusedConnectionIsRetriedButAPOSTIsNotSentTwice() async throws {
        let upstream = try await SecondRequestHangUpUpstream.start()
        let client = try HTTPClient(baseURL: "http://127.0.0.1:\(upstream.port)", configuration: Self.loadTolerant(), logger: testLogger())
        #expect(try await client.execute(.GET, "/a").status == .ok)
        // The upstream reads the next GET on that connection and hangs up: a GET is idempotent, so it is sent again.
        #expect(try await client.execute(.GET, "/b").status == .ok)
        #expect(upstream.received.value == 3)
        // Same for a POST: it may have run upstream, so it fails rather than run twice.
        let error = await #expect(throws: HTTPClientError.self) { try await client.execute(.POST, "/c") }
        #expect(error?.code == .connectionClosed)
        #expect(upstream.received.value == 4)
        await client.shutdown()
        await upstream.stop()
    }

    @Test func garbageFromUpstreamIsMalformedResponse() async throws {
        let upstream = try await CannedUpstream.start(reply: "NOT HTTP AT ALL\r\n\r\n")
        let client = try HTTPClient(baseURL: "http://127.0.0.1:\(upstream.port)", configuration: Self.loadTolerant(), logger: testLogger())
        let error = await #expect(throws: HTTPClientError.self) { try await client.execute(.GET, "/ping") }
        #expect(error?.code == .malformedResponse)
        await client.shutdown()
        await upstream.stop()
    }

    @Test func upstreamHangingUpIsConnectionClosed() async throws {
        let upstream = try await CannedUpstream.start(reply: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
        let client = try HTTPClient(baseURL: "http://127.0.0.1:\(upstream.port)", configuration: Self.loadTolerant(), logger: testLogger())
        let error = await #expect(throws: HTTPClientError.self) { try await client.execute(.GET, "/ping") }
        #expect(error?.code == .connectionClosed)
        await client.shutdown()
        await upstream.stop()
    }

    @Test func oversizedResponseIsRefused() async throws {
        try await withServer(routes: Self.routes) { _, port in
            let configuration = Self.loadTolerant { $0.maxResponseBodySize = 4 }
            let client = try HTTPClient(baseURL: "http://127.0.0.1:\(port)", configuration: configuration, logger: testLogger())
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(.POST, "/echo", body: ByteBuffer(string: "0123456789"))
            }
            #expect(error?.code == .responseTooLarge)
            await client.shutdown()
        }
    }

    @Test func invalidBaseURLsAreRejected() {
        for url in ["localhost:80", "http://host", "http://host:0", "http://host:99999", "https://host:443", "http://:80"] {
            #expect(throws: HTTPClientError.self, "\(url)") { try HTTPClient(baseURL: url, logger: testLogger()) }
        }
    }

    @Test func shutdownFailsLaterRequests() async throws {
        try await withServer(routes: Self.routes) { _, port in
            let client = try HTTPClient(baseURL: "http://127.0.0.1:\(port)", configuration: Self.loadTolerant(), logger: testLogger())
            _ = try await client.execute(.GET, "/ping")
            await client.shutdown()
            let error = await #expect(throws: HTTPClientError.self) { try await client.execute(.GET, "/ping") }
            #expect(error?.code == .shutdown)
        }
    }
}
