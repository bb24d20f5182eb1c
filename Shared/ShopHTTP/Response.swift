import NIOCore
import NIOHTTP1

/// One HTTP response; the server adds Content-Length, Date, Connection and X-Request-Id.
public struct Response: Sendable {
    public var status: HTTPResponseStatus
    public var headers: HTTPHeaders
    public var body: ByteBuffer

    public init(status: HTTPResponseStatus = .ok, headers: HTTPHeaders = [:], body: ByteBuffer = ByteBuffer()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

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
        Response(status: status, headers: HTTPHeaders([("content-type", "application/json")]), body: bytes)
    }

    /// The JSON error body `{"error": message}` with the error's status.
    public static func error(_ error: HTTPError) -> Response {
        var body = ByteBuffer()
        body.writeStaticString(#"{"error":"#)
        JSONString.write(error.message, into: &body)
        body.writeStaticString("}")
        return .json(bytes: body, status: error.status)
    }
}
