// ShopHTTP/Message: what a handler reads and answers: request, response, HTTP errors, conditional GETs, JSON bodies.

import Logging
import NIOCore
import NIOHTTP1

/// One HTTP request as a handler sees it: the whole body is read before the handler runs.
public struct Request: Sendable {
    public var method: HTTPMethod
    /// The path without the query string, as sent (percent-encoded).
    public var path: String
    /// Query parameters, percent-decoded; the last of repeated names wins.
    public var query: [String: String]
    public var headers: HTTPHeaders
    /// The request body; empty when there is none.
    public var body: ByteBuffer
    /// Path parameters of the matched route, percent-decoded, e.g. `id` for `/order/{id}`.
    public var parameters: [String: String]
    /// The caller's `X-Request-Id`, or one made for this request; echoed in the response.
    public var requestID: String
    /// The caller's W3C trace context (`traceparent`), when it sent a valid one.
    public var traceParent: TraceParent?
    /// Shared by everything this request sets off: the trace id of `traceParent`, or a new trace id.
    public var correlationID: String = ""
    /// The server's logger with `request.id` metadata.
    public var logger: Logger {
        // Built when used: setting metadata costs a log handler's work on every request otherwise.
        get {
            var logger = self.baseLogger
            logger[metadataKey: "request.id"] = .string(self.requestID)
            return logger
        }
        set { self.baseLogger = newValue }
    }
    private var baseLogger: Logger

    public init(
        method: HTTPMethod, path: String, query: [String: String] = [:], headers: HTTPHeaders = [:],
        body: ByteBuffer = ByteBuffer(), parameters: [String: String] = [:], requestID: String, logger: Logger
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.parameters = parameters
        self.requestID = requestID
        self.baseLogger = logger
    }
}
