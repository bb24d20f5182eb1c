// ShopHTTP/Message: what a handler reads and answers: request, response, HTTP errors, conditional GETs, JSON bodies.

import NIOHTTP1

/// An error a handler throws to answer with `status` and the JSON body `{"error": message}`.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    public var status: HTTPResponseStatus
    public var message: String

    public init(_ status: HTTPResponseStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "HTTP \(self.status.code): \(self.message)" }
}
