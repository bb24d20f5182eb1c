// ShopHTTP/Client: the keep-alive HTTP/1.1 client for service-to-service calls and its bounded connection pool.

import NIOCore
import NIOHTTP1

/// A whole upstream response.
public struct ClientResponse: Sendable {
    public var status: HTTPResponseStatus
    public var headers: HTTPHeaders
    public var body: ByteBuffer

    public init(status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
