// ShopHTTP/Server: the HTTP/1.1 server: listening, one handler per connection, limits, deadlines, graceful shutdown.

import Logging
import NIOCore
import NIOHTTP1

/// One server connection: reads requests from NIO's decoder, runs their handlers one at a time (pipelined requests
/// wait in order) and writes the responses. Every decision (what to answer next, when to close, when to read, flush
/// or time out) is `HTTPConnectionStateMachine`'s; this class carries them out.
///
/// Confined to the channel's event loop; handlers run in a task that prefers that loop as executor.
final class HTTPServerHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = Never
    typealias OutboundOut = HTTPServerResponsePart
    typealias PendingRequest = HTTPConnectionStateMachine.PendingRequest

    let settings: ConnectionSettings
    let executor: EventLoopTaskExecutor
    var context: ChannelHandlerContext?
    var machine: HTTPConnectionStateMachine
    /// The task running the handler of the answer in flight, cancelled when the connection goes away.
    var handlerTask: Task<Void, Never>?
    var dates = HTTPDateCache()
    var requestIDs = RequestIDGenerator()
    var deadlineTimer: Scheduled<Void>?

    init(settings: ConnectionSettings, executor: EventLoopTaskExecutor) {
        self.settings = settings
        self.executor = executor
        self.machine = HTTPConnectionStateMachine(limits: .init(
            maxBodySize: settings.configuration.maxBodySize, idleTimeout: TimeAmount(settings.configuration.idleTimeout),
            headerReadTimeout: TimeAmount(settings.configuration.headerReadTimeout), deadlineTick: settings.deadlineTick))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        self.perform(self.machine.activated(now: .now()))
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.machine.deactivated()
        self.handlerTask?.cancel()
        self.handlerTask = nil
        self.deadlineTimer?.cancel()
        self.deadlineTimer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard self.machine.readStarted() else { return }
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            let startedAt: ContinuousClock.Instant? = self.settings.onRequestCompleted == nil ? nil : .now
            self.perform(self.machine.receivedHead(head, startedAt: startedAt, now: .now()))
        case .body(var chunk):
            self.perform(self.machine.receivedBody(&chunk, now: .now()))
        case .end:
            self.perform(self.machine.receivedEnd(now: .now()))
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if self.machine.readCompleted() { context.flush() }
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if self.machine.readRequested() { context.read() }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            self.settings.logger.debug("connection error", metadata: ["error.message": "\(error)"])
            context.close(promise: nil)
            return
        }
        self.perform(self.machine.parseFailed(headerTooLarge: parserError == .headerOverflow, now: .now()))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        self.perform(self.machine.quiesce())
    }

    /// Bytes arrived (before decoding): a new request's head or more of a body has to arrive in time.
    func bytesReceived() {
        self.machine.bytesReceived(now: .now())
        self.armTimerIfNeeded()
    }

    /// Carries out what the state machine answered, then arms the deadline timer if it needs one.
    func perform(_ action: HTTPConnectionStateMachine.Action) {
        switch action {
        case .none:
            break
        case .sendContinue(let version):
            self.context?.writeAndFlush(self.wrapOutboundOut(.head(HTTPResponseHead(version: version, status: .continue))), promise: nil)
        case .close:
            self.context?.close(promise: nil)
        case .start(let work, let sequence, let readAgain):
            if readAgain { self.context?.read() }
            switch work {
            case .reject(let error):
                self.write(.error(error), for: nil, requestID: nil, closeAfter: true)
            case .request(let request):
                self.dispatch(request, sequence: sequence)
            }
        }
        self.armTimerIfNeeded()
    }
}
