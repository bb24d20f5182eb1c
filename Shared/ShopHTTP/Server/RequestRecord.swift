// ShopHTTP/Server: the HTTP/1.1 server: listening, one handler per connection, limits, deadlines, graceful shutdown.

/// What the server reports about every completed request, for metrics.
public struct RequestRecord: Sendable {
    /// The matched route pattern (`/order/{id}`), or `unmatched`, so metric labels stay bounded.
    public var route: String
    public var method: String
    public var status: Int
    public var duration: Duration

    public init(route: String, method: String, status: Int, duration: Duration) {
        self.route = route
        self.method = method
        self.status = status
        self.duration = duration
    }
}
