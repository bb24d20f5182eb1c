// ShopHTTP/Client: the keep-alive HTTP/1.1 client for service-to-service calls and its bounded connection pool.

import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// One instance of an upstream: a keep-alive HTTP/1.1 connection pool to one `host:port`, bounded. `HTTPClient`
/// holds one per instance and picks among them.
final class HTTPEndpoint: Sendable {
    let host: String
    let port: Int
    private let configuration: HTTPClientConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let pool: Mutex<ClientConnectionPool>

    /// `baseURL` is `http://host:port` (a trailing slash is ignored); anything else throws `.invalidURL`.
    init(
        baseURL: String, configuration: HTTPClientConfiguration = HTTPClientConfiguration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger
    ) throws {
        (self.host, self.port) = try Self.parse(baseURL)
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.pool = Mutex(ClientConnectionPool(limit: configuration.maxConnectionsPerUpstream))
    }

    /// Sends a request and returns the whole response; throws `HTTPClientError` (any status is a response).
    /// `.upstreamUnavailable` means the request never left this host: no connection could be opened.
    func execute(
        _ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], body: ByteBuffer? = nil
    ) async throws -> ClientResponse {
        let deadline = NIODeadline.now() + TimeAmount(self.configuration.requestTimeout)
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path.hasPrefix("/") ? path : "/" + path, headers: headers)
        if !head.headers.contains(name: "host") { head.headers.add(name: "host", value: "\(self.host):\(self.port)") }
        if let body {
            head.headers.replaceOrAdd(name: "content-length", value: String(body.readableBytes))
            if !head.headers.contains(name: "content-type") { head.headers.add(name: "content-type", value: "application/json") }
        } else if method == .POST || method == .PUT || method == .PATCH {
            head.headers.replaceOrAdd(name: "content-length", value: "0")
        }

        var lease = try await self.lease(deadline: deadline)
        var retried = false
        while true {
            do {
                let (response, reusable) = try await lease.connection.execute(head, body: body, timeout: deadline - .now()).get()
                self.giveBack(lease.connection, healthy: reusable)
                return response
            } catch let error as HTTPClientError {
                self.giveBack(lease.connection, healthy: false)
                // A keep-alive connection the upstream closed or reset while it sat idle: retry once on a new one,
                // but a POST that may have reached the upstream is not sent twice (a duplicate is worse than a 503).
                guard !retried, lease.isReused, deadline > .now(), Self.mayRetry(method, after: error) else { throw error }
                retried = true
                self.logger.debug("retrying on a new connection", metadata: ["http.upstream": "\(self.host):\(self.port)", "error.message": "\(error)"])
                lease = try await self.lease(deadline: deadline, fresh: true)
            }
        }
    }

    /// Whether a request that failed this way may be sent again: idempotent methods (RFC 9110 9.2.2) when no response
    /// came, any method when it never wholly left this host.
    static func mayRetry(_ method: HTTPMethod, after error: HTTPClientError) -> Bool {
        switch error.retrySafety {
        case .never: false
        case .always: true
        case .ifIdempotent: [.GET, .HEAD, .OPTIONS, .TRACE, .PUT, .DELETE].contains(method)
        }
    }

    /// Closes idle connections and fails waiting requests; connections in use close when their request ends.
    func shutdown() async {
        let (idle, waiters) = self.pool.withLock { $0.shutdown() }
        for waiter in waiters { waiter.promise.fail(HTTPClientError(.shutdown, "the HTTP client was shut down")) }
        for connection in idle {
            try? await connection.channel.close()
        }
    }

    private func lease(deadline: NIODeadline, fresh: Bool = false) async throws -> ClientConnectionPool.Lease {
        let eventLoop = self.eventLoopGroup.any()
        let (acquisition, stale) = self.pool.withLock { pool in
            // After a stale keep-alive connection, the other idle ones are likely stale too.
            var stale = fresh ? pool.dropIdle() : []
            return (pool.acquire(stale: &stale) { eventLoop.makePromise(of: ClientConnectionPool.Lease?.self) }, stale)
        }
        for connection in stale { connection.channel.close(promise: nil) }
        switch acquisition {
        case .reuse(let lease):
            return lease
        case .connect:
            return ClientConnectionPool.Lease(connection: try await self.connect(), isReused: false)
        case .shutdown:
            throw HTTPClientError(.shutdown, "the HTTP client was shut down")
        case .wait(let waiter):
            let (promise, waiterID) = (waiter.promise, waiter.id)
            let timer = eventLoop.scheduleTask(deadline: deadline) { [self] in
                if let expired = self.pool.withLock({ $0.removeWaiter(id: waiterID) }) {
                    expired.promise.fail(HTTPClientError(.timeout, "no free connection to \(self.host):\(self.port) in time"))
                }
            }
            defer { timer.cancel() }
            // nil: a slot was freed rather than a connection, so this waiter connects itself.
            if let lease = try await promise.futureResult.get() { return lease }
            return ClientConnectionPool.Lease(connection: try await self.connect(), isReused: false)
        }
    }

    private func giveBack(_ connection: ClientConnection, healthy: Bool) {
        if healthy {
            if let (waiter, lease) = self.pool.withLock({ $0.release(connection) }) {
                waiter.promise.succeed(lease)
            } else if self.pool.withLock({ $0.isShutdown }) {
                connection.channel.close(promise: nil)
            }
            return
        }
        connection.channel.close(promise: nil)
        if let waiter = self.pool.withLock({ $0.discard() }) { waiter.promise.succeed(nil) }
    }

    /// Opens a connection in the slot already counted for it; on failure the slot is freed.
    private func connect() async throws -> ClientConnection {
        let maxBodySize = self.configuration.maxResponseBodySize
        do {
            let channel = try await ClientBootstrap(group: self.eventLoopGroup)
                .connectTimeout(TimeAmount(self.configuration.connectTimeout))
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                // Reads grow up to 1 MiB while a large answer streams in (a full list is megabytes), fewer syscalls.
                .channelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 1 << 20))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let operations = channel.pipeline.syncOperations
                        try operations.addHandler(HTTPRequestEncoder())
                        try operations.addHandler(ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)))
                        try operations.addHandler(HTTPClientHandler(maxBodySize: maxBodySize))
                    }
                }
                .connect(host: self.host, port: self.port).get()
            let handler = try await channel.eventLoop.submit {
                NIOLoopBound(try channel.pipeline.syncOperations.handler(type: HTTPClientHandler.self), eventLoop: channel.eventLoop)
            }.get()
            let connection = ClientConnection(channel: channel, handler: handler)
            channel.closeFuture.whenComplete { [self] _ in
                self.pool.withLock { $0.remove(connection) }
            }
            return connection
        } catch {
            if let waiter = self.pool.withLock({ $0.discard() }) { waiter.promise.succeed(nil) }
            let reason: String
            if case ChannelError.connectTimeout = error {
                reason = "timed out connecting"
            } else {
                reason = "cannot connect (\(error))"
            }
            throw HTTPClientError(.upstreamUnavailable, "upstream \(self.host):\(self.port) unavailable: \(reason)")
        }
    }

    static func parse(_ baseURL: String) throws -> (String, Int) {
        var rest = Substring(baseURL)
        guard rest.hasPrefix("http://") else { throw HTTPClientError(.invalidURL, "base URL '\(baseURL)' must start with http://") }
        rest = rest.dropFirst("http://".count)
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port),
              colon > rest.startIndex, !rest[..<colon].contains("/")
        else { throw HTTPClientError(.invalidURL, "base URL '\(baseURL)' must be http://host:port") }
        return (String(rest[..<colon]), port)
    }
}
