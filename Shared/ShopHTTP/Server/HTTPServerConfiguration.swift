// ShopHTTP/Server: the HTTP/1.1 server: listening, one handler per connection, limits, deadlines, graceful shutdown.

/// Where the server listens and the limits that protect it; every field is settable.
public struct HTTPServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    /// 0 lets the kernel pick a free port (tests); `HTTPServer.localPort()` tells which.
    public var port: Int = 0
    /// Larger request bodies are refused with 413.
    public var maxBodySize: Int = 1 << 20
    /// Request line plus headers; larger ones are refused with 431.
    public var maxHeaderSize: Int = 16 << 10
    /// A request head must arrive within this time from its first byte (slow-loris protection).
    public var headerReadTimeout: Duration = .seconds(10)
    /// A keep-alive connection without a request, or a body that stops arriving, is closed after this.
    public var idleTimeout: Duration = .seconds(60)
    /// Connections beyond this are answered 503 and closed.
    public var maxConnections: Int = 1024
    /// How long a graceful shutdown waits for in-flight requests before closing connections.
    public var shutdownGracePeriod: Duration = .seconds(10)

    public init(host: String = "127.0.0.1", port: Int = 0) {
        self.host = host
        self.port = port
    }
}
