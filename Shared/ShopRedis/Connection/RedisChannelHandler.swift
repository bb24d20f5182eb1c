import Logging
import NIOCore

/// The connection's channel handler: decodes replies and lets the state machine decide what each one completes.
/// Confined to its event loop; `RedisConnection` calls `write` only on that loop.
final class RedisChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    typealias StateMachine = RedisConnectionStateMachine<PromiseBox>

    /// A command's way back to its caller: one reply, or all replies of a pipeline.
    enum Completion {
        case single(EventLoopPromise<RESPValue>)
        case pipeline(EventLoopPromise<[Result<RESPValue, RedisServerError>]>, count: Int)
    }

    private var stateMachine = StateMachine()
    private var context: ChannelHandlerContext?
    private var flushScheduled = false
    private var readBuffer: ByteBuffer?
    private var decoder: RESPDecoder
    private let timeoutCheckInterval: TimeAmount
    private var timeoutTask: RepeatedTask?
    private let logger: Logger

    init(decoderLimits: RESPDecoderLimits, commandTimeout: TimeAmount, logger: Logger) {
        self.decoder = RESPDecoder(limits: decoderLimits)
        // Checking a few times per timeout is precise enough and costs nothing per command.
        self.timeoutCheckInterval = .nanoseconds(max(TimeAmount.milliseconds(10).nanoseconds,
                                                     min(commandTimeout.nanoseconds / 4, TimeAmount.milliseconds(250).nanoseconds)))
        self.logger = logger
    }

    /// Number of commands (a pipeline counts once) waiting for replies.
    var pendingCount: Int { stateMachine.pending.count }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let loopBoundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        timeoutTask = context.eventLoop.scheduleRepeatedTask(initialDelay: timeoutCheckInterval, delay: timeoutCheckInterval) { _ in
            loopBoundSelf.value.checkTimeout()
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timeoutTask?.cancel()
        timeoutTask = nil
        apply(stateMachine.close(RedisClientError(.connectionClosed, "the connection was closed")))
        self.context = nil
    }

    /// Writes an encoded command and registers how its replies complete. Call only on the event loop.
    func write(_ buffer: ByteBuffer, completion: Completion, deadline: NIODeadline) {
        let entry: StateMachine.Pending
        switch completion {
        case .single(let promise):
            entry = .single(PromiseBox.single(promise), deadline: deadline)
        case .pipeline(let promise, let count):
            var results: [Result<RESPValue, RedisServerError>] = []
            results.reserveCapacity(count)
            entry = .pipeline(PromiseBox.pipeline(promise), remaining: count, results: results, deadline: deadline)
        }
        switch stateMachine.send(entry) {
        case .write:
            guard let context else {
                apply(stateMachine.close(RedisClientError(.connectionClosed, "the connection was closed")))
                return
            }
            context.write(wrapOutboundOut(buffer), promise: nil)
            scheduleFlush(context)
        case .fail(let box, let error):
            box.fail(error)
        }
    }

    /// Flushes once the loop has run what it is running now: commands sent in the same tick by several callers
    /// (the requests of one read burst, a reaction's concurrent lookups) leave in one write and reach Redis in one read.
    private func scheduleFlush(_ context: ChannelHandlerContext) {
        guard !flushScheduled else { return }
        flushScheduled = true
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute {
            handler.value.flushScheduled = false
            handler.value.context?.flush()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if var buffer = readBuffer, buffer.readableBytes > 0 {
            readBuffer = nil  // keep the buffer uniquely referenced so the append does not copy it
            buffer.writeBuffer(&incoming)
            incoming = buffer
        }
        do {
            while let value = try decoder.decode(&incoming) {
                apply(stateMachine.receive(value))
            }
        } catch {
            let clientError = error as? RedisClientError ?? RedisClientError(.protocolError, "\(error)")
            logger.error("Redis protocol error, closing the connection", metadata: ["error.message": "\(clientError)"])
            apply(stateMachine.close(clientError))
            context.close(promise: nil)
            return
        }
        if incoming.readableBytes > 0 {
            incoming.discardReadBytes()
            readBuffer = incoming
        } else {
            readBuffer = nil
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        apply(stateMachine.close(RedisClientError(.connectionClosed, "the connection to Redis closed")))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("Redis connection error", metadata: ["error.message": "\(error)"])
        apply(stateMachine.close(RedisClientError(.connectionClosed, "connection error: \(error)")))
        context.close(promise: nil)
    }

    private func checkTimeout() {
        guard let action = stateMachine.checkTimeout(now: .now()) else { return }
        logger.warning("Redis command timed out, closing the connection")
        apply(action)
        context?.close(promise: nil)
    }

    private func apply(_ action: StateMachine.ReplyAction) {
        switch action {
        case .succeed(let box, let value):
            box.succeed(value)
        case .failWithServerError(let box, let error):
            box.fail(error)
        case .succeedPipeline(let box, let results):
            box.succeedPipeline(results)
        case .none:
            break
        case .close(let error, let pending):
            for entry in pending {
                switch entry {
                case .single(let box, _), .pipeline(let box, _, _, _): box.fail(error)
                }
            }
        }
    }
}

/// The promise of a single command or of a pipeline, so one queue holds both.
enum PromiseBox {
    case single(EventLoopPromise<RESPValue>)
    case pipeline(EventLoopPromise<[Result<RESPValue, RedisServerError>]>)

    func succeed(_ value: RESPValue) {
        if case .single(let promise) = self { promise.succeed(value) }
    }

    func succeedPipeline(_ results: [Result<RESPValue, RedisServerError>]) {
        if case .pipeline(let promise) = self { promise.succeed(results) }
    }

    func fail(_ error: any Error) {
        switch self {
        case .single(let promise): promise.fail(error)
        case .pipeline(let promise): promise.fail(error)
        }
    }
}
