// ShopHTTP/Client: the keep-alive HTTP/1.1 client for service-to-service calls and its bounded connection pool.

/// Why an upstream call failed; the code tells a gateway which status to answer (502/503/504).
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// The base URL is not `http://host:port`.
        case invalidURL
        /// The upstream refused or did not accept the connection in time: it is down.
        case upstreamUnavailable
        /// No (whole) response within the request timeout.
        case timeout
        /// The upstream answered something that is not HTTP/1.1.
        case malformedResponse
        /// The upstream closed the connection before the response was complete.
        case connectionClosed
        /// The response body exceeded `maxResponseBodySize`.
        case responseTooLarge
        /// The client was shut down.
        case shutdown
    }

    public let code: Code
    public let message: String
    /// When a retry on a new connection is safe, should this happen on a reused keep-alive connection.
    var retrySafety = RetrySafety.never

    /// How sure the client is that the upstream did not act on a request that failed.
    enum RetrySafety: Sendable {
        /// Part of a response arrived, or the failure says nothing about delivery: never retried.
        case never
        /// The request went out but no response byte came back (e.g. the upstream closed the idle connection just
        /// then): it may have run, so only an idempotent method is retried.
        case ifIdempotent
        /// The request never wholly left this host (connection found closed, or the write failed): any method.
        case always
    }

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(self.code): \(self.message)" }
}
