import Logging
import NIOCore
import NIOPosix
import Synchronization

/// One connection to Redis; commands may be sent concurrently and are pipelined, replies complete in FIFO order.
/// Cancelling a waiting task returns at once; its reply is still consumed in order, so the stream stays in sync.
public final class RedisConnection: RedisCommandExecutor, Sendable {
    /// The underlying channel (for its event loop and close future).
    public let channel: any Channel
    let handler: NIOLoopBound<RedisChannelHandler>
    let configuration: RedisConfiguration
    let logger: Logger
    /// Set once a caller stopped waiting for a reply: a dedicated connection is then not reused.
    let sawCancellation = Atomic<Bool>(false)

    private init(channel: any Channel, handler: NIOLoopBound<RedisChannelHandler>, configuration: RedisConfiguration, logger: Logger) {
        self.channel = channel
        self.handler = handler
        self.configuration = configuration
        self.logger = logger
    }

    /// Connects, then authenticates, selects the database and sets the client name as configured.
    public static func connect(configuration: RedisConfiguration, eventLoop: any EventLoop, logger: Logger) async throws -> RedisConnection {
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = RedisChannelHandler(decoderLimits: configuration.decoderLimits,
                                                      commandTimeout: configuration.commandTimeout, logger: logger)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch let error as ChannelError where error == .connectTimeout(configuration.connectTimeout) {
            throw RedisClientError(.timeout, "connecting to \(configuration.host):\(configuration.port) timed out")
        } catch {
            throw RedisClientError(.unavailable, "cannot connect to \(configuration.host):\(configuration.port): \(error)")
        }
        let handler = try await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: RedisChannelHandler.self), eventLoop: channel.eventLoop)
        }.get()
        let connection = RedisConnection(channel: channel, handler: handler, configuration: configuration, logger: logger)
        do {
            try await connection.handshake()
        } catch {
            try? await channel.close()
            throw error
        }
        return connection
    }

    private func handshake() async throws {
        var commands: [[RESPArgument]] = []
        if let password = configuration.password {
            if let username = configuration.username {
                commands.append(["AUTH", RESPArgument(username), RESPArgument(password)])
            } else {
                commands.append(["AUTH", RESPArgument(password)])
            }
        }
        if configuration.database != 0 { commands.append(["SELECT", RESPArgument(configuration.database)]) }
        if let name = configuration.clientName { commands.append(["CLIENT", "SETNAME", RESPArgument(name)]) }
        // A restarted Redis accepts connections while it loads its data and answers LOADING to everything:
        // such a connection is not ready, so the pool keeps retrying instead of handing it to callers.
        commands.append(["PING"])
        let results = try await pipeline(commands, timeout: configuration.connectTimeout)
        for result in results.dropLast() {
            if case .failure(let error) = result { throw error }
        }
        if case .failure(let error) = results.last, error.prefix == "LOADING" {
            throw RedisClientError(.unavailable, "Redis is still loading its dataset")
        }
        // Any other PING failure (a user without +ping) does not make the connection unusable.
    }

    /// True while the connection is open.
    public var isActive: Bool { channel.isActive }

    /// Completes when the connection has closed.
    public var closeFuture: EventLoopFuture<Void> { channel.closeFuture }

    /// Closes the connection; waiting commands fail with `.connectionClosed`.
    public func close() async {
        try? await channel.close()
    }

    nonisolated(nonsending) public func send(_ arguments: [RESPArgument]) async throws -> RESPValue {
        try await send(arguments, timeout: configuration.commandTimeout)
    }

    nonisolated(nonsending) public func sendBlocking(_ arguments: [RESPArgument], blockFor: TimeAmount?) async throws -> RESPValue {
        try await send(arguments, timeout: blockFor.map { $0 + configuration.commandTimeout })
    }

    nonisolated(nonsending) public func pipeline(_ commands: [[RESPArgument]]) async throws -> [Result<RESPValue, RedisServerError>] {
        try await pipeline(commands, timeout: configuration.commandTimeout)
    }

    /// Sends one command; nil timeout waits as long as it takes (for `BLOCK 0`).
    nonisolated(nonsending) func send(_ arguments: [RESPArgument], timeout: TimeAmount?) async throws -> RESPValue {
        var buffer = channel.allocator.buffer(capacity: 64)
        RESPEncoder.encode(arguments, into: &buffer)
        let promise = channel.eventLoop.makePromise(of: RESPValue.self)
        submit(buffer, .single(promise), timeout: timeout)
        return try await wait(for: promise)
    }

    nonisolated(nonsending) func pipeline(_ commands: [[RESPArgument]], timeout: TimeAmount?) async throws -> [Result<RESPValue, RedisServerError>] {
        guard !commands.isEmpty else { return [] }
        var buffer = channel.allocator.buffer(capacity: 64 * commands.count)
        for command in commands { RESPEncoder.encode(command, into: &buffer) }
        let promise = channel.eventLoop.makePromise(of: [Result<RESPValue, RedisServerError>].self)
        submit(buffer, .pipeline(promise, count: commands.count), timeout: timeout)
        return try await wait(for: promise)
    }

    private func submit(_ buffer: ByteBuffer, _ completion: RedisChannelHandler.Completion, timeout: TimeAmount?) {
        let deadline = timeout.map { NIODeadline.now() + $0 } ?? .distantFuture
        if channel.eventLoop.inEventLoop {
            handler.value.write(buffer, completion: completion, deadline: deadline)
        } else {
            let handler = self.handler
            channel.eventLoop.execute {
                handler.value.write(buffer, completion: completion, deadline: deadline)
            }
        }
    }

    nonisolated(nonsending) private func wait<Value: Sendable>(for promise: EventLoopPromise<Value>) async throws -> Value {
        // A continuation resumed from the promise, not `get()`, so the caller resumes on its own executor
        // (the event loop itself when the caller is isolated to it) without a detour through the global pool.
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { continuation in
                promise.futureResult.whenComplete { continuation.resume(with: $0) }
            }
        } onCancel: {
            // The reply will still arrive and be matched to this (already failed) promise, keeping FIFO order.
            sawCancellation.store(true, ordering: .relaxed)
            promise.fail(CancellationError())
        }
    }
}
