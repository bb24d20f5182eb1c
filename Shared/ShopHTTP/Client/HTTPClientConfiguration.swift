// ShopHTTP/Client: the keep-alive HTTP/1.1 client for service-to-service calls and its bounded connection pool.

/// Limits of an `HTTPClient`; every field is settable.
public struct HTTPClientConfiguration: Sendable {
    /// Open connections to the upstream at most; further requests wait for a free one.
    public var maxConnectionsPerUpstream: Int = 16
    /// Connecting longer than this counts as the upstream being unavailable.
    public var connectTimeout: Duration = .seconds(1)
    /// The whole request, including waiting for a free connection, fails with `.timeout` after this.
    public var requestTimeout: Duration = .seconds(10)
    /// Larger response bodies fail with `.responseTooLarge`.
    public var maxResponseBodySize: Int = 16 << 20

    public init() {}
}
