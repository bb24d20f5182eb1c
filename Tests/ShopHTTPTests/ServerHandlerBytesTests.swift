import NIOCore
import NIOEmbedded
import NIOHTTP1
@testable import ShopHTTP
import Testing

/// The server's connection handler on an `EmbeddedChannel`, in the pipeline `HTTPServer` gives every connection:
/// request bytes in, the exact response bytes out (only the `date` header's value is read from the answer).
@Suite("HTTPServerHandler on an EmbeddedChannel: exact bytes")
struct ServerHandlerBytesTests {
    /// A channel with the server's pipeline and routes that answer without suspending.
    static func makeChannel(maxBodySize: Int = 1 << 20) throws -> EmbeddedChannel {
        var router = Router()
        router.get("/hello") { _ in Response(headers: HTTPHeaders([("content-type", "text/plain")]), body: ByteBuffer(string: "hello")) }
        router.post("/echo") { request in Response(headers: HTTPHeaders([("content-type", "application/json")]), body: request.body) }
        var configuration = HTTPServerConfiguration()
        configuration.maxBodySize = maxBodySize
        let settings = ConnectionSettings(router: router, configuration: configuration, logger: testLogger(), onRequestCompleted: nil)
        let channel = EmbeddedChannel()
        let handler = HTTPServerHandler(settings: settings, executor: EventLoopTaskExecutor(channel.eventLoop))
        let operations = channel.pipeline.syncOperations
        try operations.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, informationalResponseStrategy: .drop)))
        try operations.addHandler(HTTPResponseEncoder())
        try operations.addHandler(handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    /// Everything written to the socket so far, as text.
    static func written(_ channel: EmbeddedChannel) throws -> String {
        var all = ByteBuffer()
        while var part = try channel.readOutbound(as: ByteBuffer.self) { all.writeBuffer(&part) }
        return String(buffer: all)
    }

    /// `text` with each `date:` header's value replaced by `<date>`, after checking it is an IMF-fixdate.
    static func withoutDates(_ text: String) -> String {
        text.split(separator: "\r\n", omittingEmptySubsequences: false).map { line in
            guard line.hasPrefix("date: ") else { return String(line) }
            #expect(line.hasSuffix(" GMT") && line.count == "date: Sun, 06 Dec 2026 10:00:00 GMT".count, "\(line)")
            return "date: <date>"
        }.joined(separator: "\r\n")
    }

    @Test("a keep-alive GET: status line, headers in order, body; the connection stays open")
    func keepAliveGet() throws {
        let channel = try Self.makeChannel()
        try channel.writeInbound(ByteBuffer(string: "GET /hello HTTP/1.1\r\nHost: t\r\nX-Request-Id: req-1\r\n\r\n"))
        #expect(Self.withoutDates(try Self.written(channel)) ==
                "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 5\r\ndate: <date>\r\nx-request-id: req-1\r\n\r\nhello")
        #expect(channel.isActive)
        _ = try channel.finish()
    }

    @Test("two pipelined requests in one read: two responses, in order, written in that read")
    func pipelined() throws {
        let channel = try Self.makeChannel()
        try channel.writeInbound(ByteBuffer(string: "POST /echo HTTP/1.1\r\nHost: t\r\nX-Request-Id: a\r\nContent-Length: 7\r\n\r\n{\"n\":1}"
                                            + "GET /hello HTTP/1.1\r\nHost: t\r\nX-Request-Id: b\r\n\r\n"))
        #expect(Self.withoutDates(try Self.written(channel)) ==
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 7\r\ndate: <date>\r\nx-request-id: a\r\n\r\n{\"n\":1}"
                + "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 5\r\ndate: <date>\r\nx-request-id: b\r\n\r\nhello")
        _ = try channel.finish()
    }

    @Test("HTTP/1.0 keep-alive is answered with Connection: keep-alive; Connection: close with close, then the socket closes")
    func connectionHeaders() throws {
        let channel = try Self.makeChannel()
        try channel.writeInbound(ByteBuffer(string: "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\nX-Request-Id: k\r\n\r\n"))
        #expect(Self.withoutDates(try Self.written(channel)) ==
                "HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 5\r\ndate: <date>\r\nx-request-id: k\r\nconnection: keep-alive\r\n\r\nhello")
        try channel.writeInbound(ByteBuffer(string: "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\nX-Request-Id: c\r\n\r\n"
                                            + "GET /hello HTTP/1.1\r\nHost: t\r\nX-Request-Id: never\r\n\r\n"))
        #expect(Self.withoutDates(try Self.written(channel)) ==
                "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 5\r\ndate: <date>\r\nx-request-id: c\r\nconnection: close\r\n\r\nhello")
        (channel.eventLoop as! EmbeddedEventLoop).advanceTime(by: HTTPServerHandler.lingerAfterClose)
        #expect(!channel.isActive, "closed after the linger; the request after Connection: close was never answered")
    }

    @Test("a body over the limit: 413 with the JSON error and Connection: close")
    func bodyTooLarge() throws {
        let channel = try Self.makeChannel(maxBodySize: 4)
        try channel.writeInbound(ByteBuffer(string: "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\n12345"))
        #expect(Self.withoutDates(try Self.written(channel)) ==
                "HTTP/1.1 413 Payload Too Large\r\ncontent-type: application/json\r\ncontent-length: 40\r\ndate: <date>\r\nconnection: close\r\n\r\n"
                + #"{"error":"request body exceeds 4 bytes"}"#)
        _ = try? channel.finish()
    }

    @Test("bytes that are not HTTP: 400 with the JSON error and Connection: close")
    func malformed() throws {
        let channel = try Self.makeChannel()
        _ = try? channel.writeInbound(ByteBuffer(string: "\u{16}\u{03}\u{01} not http\r\n\r\n"))
        #expect(Self.withoutDates(try Self.written(channel)) ==
                "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 34\r\ndate: <date>\r\nconnection: close\r\n\r\n"
                + #"{"error":"malformed HTTP request"}"#)
        _ = try? channel.finish()
    }
}
