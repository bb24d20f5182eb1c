import NIOCore
import ShopHTTP
import Testing

@Suite("HTTP server: large bodies in slices, 304")
struct ServerLargeBodyTests {
    /// 3 MB in 300 parts of distinct bytes, plus one part larger than a slice.
    static let parts: [ByteBuffer] = (0..<300).map { index in
        ByteBuffer(string: String(repeating: String(UnicodeScalar(UInt8(65 + index % 26))), count: 10_000))
    } + [ByteBuffer(string: String(repeating: "z", count: 700_000))]

    static func routes(_ router: inout Router) {
        router.get("/large") { _ in Response.json(parts: parts) }
        router.get("/small") { _ in .json(["small"]) }
        router.get("/tagged") { request in
            let etag = "\"v1\""
            return request.ifNoneMatch(etag) ? .notModified(etag: etag) : Response.json(["x"]).tagged(etag)
        }
    }

    @Test func aLargeBodyArrivesWholeAndAPipelinedRequestAfterItIsAnsweredInOrder() async throws {
        let expected = Self.parts.map { String(buffer: $0) }.joined()
        try await withServer(routes: Self.routes) { _, port in
            let connection = try await RawConnection.connect(port: port)
            try await connection.send("GET /large HTTP/1.1\r\nHost: t\r\n\r\nGET /small HTTP/1.1\r\nHost: t\r\n\r\nGET /large HTTP/1.1\r\nHost: t\r\n\r\n")
            try await eventually(timeout: .seconds(60), "three responses arrive") { connection.responses.count == 3 }
            let responses = connection.responses
            await connection.close()
            #expect(responses[0].header("content-length") == String(expected.utf8.count))
            #expect(responses[0].body == expected)
            #expect(responses[1].body == #"["small"]"#)
            #expect(responses[2].body == expected)
        }
    }

    @Test func ifNoneMatchGives304WithoutBodyOrLength() async throws {
        try await withServer(routes: Self.routes) { _, port in
            let connection = try await RawConnection.connect(port: port)
            try await connection.send("GET /tagged HTTP/1.1\r\nHost: t\r\nIf-None-Match: \"other\", W/\"v1\"\r\n\r\nGET /tagged HTTP/1.1\r\nHost: t\r\nIf-None-Match: \"v0\"\r\n\r\n")
            try await eventually("two responses arrive") { connection.responses.count == 2 }
            let responses = connection.responses
            await connection.close()
            #expect(responses[0].statusLine.contains("304") && responses[0].body.isEmpty)
            #expect(responses[0].header("content-length") == nil && responses[0].header("etag") == "\"v1\"")
            #expect(responses[1].statusLine.contains("200") && responses[1].body == #"["x"]"#)
        }
    }
}
