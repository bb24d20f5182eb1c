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
    /// Nothing of a response arrived on a reused keep-alive connection: the upstream closed it while idle,
    /// so the request never ran there and one retry on a new connection is safe.
    var closedBeforeResponse = false

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(self.code): \(self.message)" }
}
