// ShopHTTP/Message: what a handler reads and answers: request, response, HTTP errors, conditional GETs, JSON bodies.

import NIOCore
import NIOHTTP1
import ShopJSON

/// One HTTP response; the server adds Content-Length, Date, Connection and X-Request-Id.
public struct Response: Sendable {
    public var status: HTTPResponseStatus
    public var headers: HTTPHeaders
    /// The body as the buffers it is made of, written in turn and never copied into one: a large list answer is
    /// a few hundred shared buffers, so building it costs no copy and the socket takes it as fast as it drains.
    public var bodyParts: [ByteBuffer]

    public init(status: HTTPResponseStatus = .ok, headers: HTTPHeaders = [:], body: ByteBuffer = ByteBuffer()) {
        self.init(status: status, headers: headers, bodyParts: [body])
    }

    public init(status: HTTPResponseStatus = .ok, headers: HTTPHeaders = [:], bodyParts: [ByteBuffer]) {
        self.status = status
        self.headers = headers
        self.bodyParts = bodyParts
    }

    /// The whole body in one buffer (the parts joined when there are several).
    public var body: ByteBuffer {
        get {
            guard self.bodyParts.count != 1 else { return self.bodyParts[0] }
            var joined = ByteBuffer()
            joined.reserveCapacity(self.bodyLength)
            for var part in self.bodyParts { joined.writeBuffer(&part) }
            return joined
        }
        set { self.bodyParts = [newValue] }
    }

    /// The body's length in bytes (what Content-Length says).
    public var bodyLength: Int { self.bodyParts.reduce(0) { $0 + $1.readableBytes } }

    /// `value` encoded as JSON with `Content-Type: application/json`; a value that fails to encode becomes a generic 500.
    public static func json<T: Encodable>(_ value: T, status: HTTPResponseStatus = .ok) -> Response {
        do {
            return .json(bytes: try JSONBody.encode(value), status: status)
        } catch {
            return .error(HTTPError(.internalServerError, "internal server error"))
        }
    }

    /// A body that is already encoded JSON, sent as is with `Content-Type: application/json`.
    public static func json(bytes: ByteBuffer, status: HTTPResponseStatus = .ok) -> Response {
        .json(parts: [bytes], status: status)
    }

    /// Encoded JSON made of several buffers (sent in turn), with `Content-Type: application/json`.
    public static func json(parts: [ByteBuffer], status: HTTPResponseStatus = .ok) -> Response {
        Response(status: status, headers: HTTPHeaders([("content-type", "application/json")]), bodyParts: parts)
    }

    /// The JSON error body `{"error": message}` with the error's status.
    public static func error(_ error: HTTPError) -> Response {
        var body = ByteBuffer()
        body.writeStaticString(#"{"error":"#)
        JSONWriter.string(error.message, into: &body)
        body.writeStaticString("}")
        return .json(bytes: body, status: error.status)
    }
}
