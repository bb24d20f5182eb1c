// ShopHTTP/Server: the HTTP/1.1 server: listening, one handler per connection, limits, deadlines, graceful shutdown.

import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The HTTP/1.1 server: a `Service` that serves `router` until graceful shutdown or cancellation.
public final class HTTPServer: Service, Sendable {
    private let settings: ConnectionSettings
    private let eventLoopGroup: any EventLoopGroup
    private let state = Mutex(ServerState())

    public init(
        configuration: HTTPServerConfiguration, router: Router,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger,
        onRequestCompleted: (@Sendable (RequestRecord) -> Void)? = nil
    ) {
        self.settings = ConnectionSettings(
            router: router, configuration: configuration, logger: logger, onRequestCompleted: onRequestCompleted
        )
        self.eventLoopGroup = eventLoopGroup
    }

    /// Binds, serves, and on shutdown stops accepting, lets in-flight requests finish within the grace period, then closes.
    public func run() async throws {
        let configuration = self.settings.configuration
        let serverChannel: any Channel
        do {
            serverChannel = try await ServerBootstrap(group: self.eventLoopGroup)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .childChannelOption(.maxMessagesPerRead, value: 16)
                .childChannelInitializer { [self] channel in
                    self.accept(channel)
                }
                .bind(host: configuration.host, port: configuration.port).get()
        } catch {
            let waiters = self.state.withLock { $0.failed(error) }
            for waiter in waiters { waiter.resume(throwing: error) }
            throw HTTPServerError("cannot listen on \(configuration.host):\(configuration.port): \(error)")
        }
        let port = serverChannel.localAddress?.port ?? configuration.port
        let (waiters, stopAtOnce) = self.state.withLock { $0.bound(port: port, channel: serverChannel) }
        for waiter in waiters { waiter.resume(returning: port) }
        self.settings.logger.info("http server listening", metadata: ["http.host": "\(configuration.host)", "http.port": "\(port)"])
        if stopAtOnce { self.beginShutdown(graceful: true) }

        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await serverChannel.closeFuture.get()
                await self.connectionsClosed()
            } onGracefulShutdown: {
                self.beginShutdown(graceful: true)
            }
        } onCancel: {
            self.beginShutdown(graceful: false)
        }
        self.state.withLock { $0.stopped() }
        self.settings.logger.info("http server stopped", metadata: ["http.port": "\(port)"])
    }

    /// The port the server listens on, once bound; tests configure port 0 and ask here.
    public func localPort() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let result = self.state.withLock { $0.port(orWait: continuation) }
            switch result {
            case .none: break
            case .some(.success(let port)): continuation.resume(returning: port)
            case .some(.failure(let error)): continuation.resume(throwing: error)
            }
        }
    }

    /// Number of open connections, for tests and diagnostics.
    public var openConnections: Int {
        self.state.withLock { $0.connections.count }
    }

    private func accept(_ channel: any Channel) -> EventLoopFuture<Void> {
        let admission = self.state.withLock { $0.admit(channel, limit: self.settings.configuration.maxConnections) }
        do {
            switch admission {
            case .refuse:
                try channel.pipeline.syncOperations.addHandler(ConnectionRefusalHandler())
                return channel.eventLoop.makeSucceededVoidFuture()
            case .admit:
                break
            }
            let key = ObjectIdentifier(channel)
            channel.closeFuture.whenComplete { [self] _ in
                let waiters = self.state.withLock { $0.remove(key) }
                for waiter in waiters { waiter.resume() }
            }
            let configuration = self.settings.configuration
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderFieldSize = configuration.maxHeaderSize
            limits.maxHeaderListSize = configuration.maxHeaderSize
            let handler = HTTPServerHandler(settings: self.settings, executor: EventLoopTaskExecutor(channel.eventLoop))
            let operations = channel.pipeline.syncOperations
            try operations.addHandler(InboundByteObserver { [weak handler] in handler?.bytesReceived() })
            try operations.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, informationalResponseStrategy: .drop, limitConfiguration: limits)))
            try operations.addHandler(HTTPResponseEncoder())
            try operations.addHandler(handler)
            return channel.eventLoop.makeSucceededVoidFuture()
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
    }

    /// Stops accepting and asks every connection to finish; after the grace period (or at once) closes the rest.
    private func beginShutdown(graceful: Bool) {
        let (serverChannel, connections) = self.state.withLock { $0.beginStopping() }
        guard graceful else {
            serverChannel?.close(promise: nil)
            for connection in connections { connection.close(promise: nil) }
            return
        }
        // The listener closes only once every connection knows it is quiescing: a response written after that
        // (seen from outside: after the port stops accepting) always says `connection: close`.
        let quiesced = connections.map { connection in
            connection.eventLoop.submit { connection.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
        }
        guard let serverChannel else { return }
        EventLoopFuture.andAllComplete(quiesced, on: serverChannel.eventLoop).whenComplete { _ in
            serverChannel.close(promise: nil)
        }
        let grace = TimeAmount(self.settings.configuration.shutdownGracePeriod)
        self.eventLoopGroup.any().scheduleTask(in: grace) { [self] in
            let remaining = self.state.withLock { Array($0.connections.values) }
            if !remaining.isEmpty {
                self.settings.logger.warning("closing connections still open after the grace period", metadata: ["http.connections": "\(remaining.count)"])
            }
            for connection in remaining { connection.close(promise: nil) }
        }
    }

    private func connectionsClosed() async {
        await withCheckedContinuation { continuation in
            let done = self.state.withLock { $0.waitForNoConnections(continuation) }
            if done { continuation.resume() }
        }
    }
}

/// An error of the server itself (not of a request), e.g. the port is taken.
public struct HTTPServerError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
