// ShopHTTP/Server: the HTTP/1.1 server: listening, one handler per connection, limits, deadlines, graceful shutdown.

import DequeModule
import Logging
import NIOCore
import NIOHTTP1

/// One server connection: collects requests from NIO's decoder, runs their handlers one at a time
/// (pipelined requests wait in order), writes responses and enforces limits and timeouts.
///
/// Confined to the channel's event loop; handlers run in a task that prefers that loop as executor.
final class HTTPServerHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = Never
    typealias OutboundOut = HTTPServerResponsePart

    /// A request whose head arrived; its body is collected until `.end`.
    struct PendingRequest {
        var head: HTTPRequestHead
        var body: ByteBuffer
        let startedAt: ContinuousClock.Instant?
    }

    /// The next thing to answer, in arrival order.
    enum Work {
        case request(PendingRequest)
        /// Answer with this error and close: the input after it cannot be trusted.
        case reject(HTTPError)
    }

    /// Pipelined requests beyond this stop reading from the socket until the queue drains.
    static let maxQueuedRequests = 16

    let settings: ConnectionSettings
    let executor: EventLoopTaskExecutor
    var context: ChannelHandlerContext?

    var current: PendingRequest?
    var queue: Deque<Work> = []
    /// A handler is running or a response is being written; one at a time keeps responses in order.
    var inFlight: InFlight?
    var nextSequence = 0
    /// After a parse error, a refused body or `Connection: close`: later input is ignored.
    var inputClosed = false
    var quiescing = false
    var closed = false
    var readInBurst = false
    var needsFlush = false
    var readPending = false

    var dates = HTTPDateCache()
    var requestIDs = RequestIDGenerator()
    var deadline: Deadline?
    var deadlineTimer: Scheduled<Void>?

    struct InFlight {
        let sequence: Int
        var task: Task<Void, Never>?
    }

    init(settings: ConnectionSettings, executor: EventLoopTaskExecutor) {
        self.settings = settings
        self.executor = executor
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        self.becameIdle()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.closed = true
        self.inFlight?.task?.cancel()
        self.queue.removeAll()
        self.current = nil
        self.deadlineTimer?.cancel()
        self.deadlineTimer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.readInBurst = true
        guard !self.inputClosed else { return }
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.received(head: head)
        case .body(var chunk):
            guard self.current != nil else { return }
            let limit = self.settings.configuration.maxBodySize
            if self.current!.body.readableBytes + chunk.readableBytes > limit {
                self.current = nil
                self.refuse(HTTPError(.payloadTooLarge, "request body exceeds \(limit) bytes"))
                return
            }
            if self.current!.body.readableBytes == 0 {
                self.current!.body = chunk
            } else {
                self.current!.body.writeBuffer(&chunk)
            }
        case .end:
            guard let request = self.current else { return }
            self.current = nil
            if !request.head.isKeepAlive { self.inputClosed = true }
            self.queue.append(.request(request))
            self.processNext()
        }
    }

    private func received(head: HTTPRequestHead) {
        // The head is in; the body (if any) must keep coming. `processNext` clears this once the request is whole.
        // Behind a running handler (pipelining) no timer applies: the handler's own time is not the client's fault.
        if self.inFlight == nil, self.queue.isEmpty {
            self.setDeadline(.body, after: self.settings.configuration.idleTimeout)
        } else {
            self.deadline = nil
        }
        let limit = self.settings.configuration.maxBodySize
        if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > limit {
            self.refuse(HTTPError(.payloadTooLarge, "request body exceeds \(limit) bytes"))
            return
        }
        let startedAt: ContinuousClock.Instant? = self.settings.onRequestCompleted == nil ? nil : .now
        self.current = PendingRequest(head: head, body: ByteBuffer(), startedAt: startedAt)
        if self.inFlight == nil, self.queue.isEmpty,
           head.headers.first(name: "expect")?.lowercased() == "100-continue" {
            self.context?.writeAndFlush(self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
        }
    }

    /// Answers `error` after what is already queued, then closes; nothing read after it is served.
    func refuse(_ error: HTTPError) {
        self.inputClosed = true
        self.queue.append(.reject(error))
        self.processNext()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.readInBurst = false
        if self.needsFlush {
            self.needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if self.queue.count >= Self.maxQueuedRequests {
            self.readPending = true
        } else {
            context.read()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            self.settings.logger.debug("connection error", metadata: ["error.message": "\(error)"])
            context.close(promise: nil)
            return
        }
        guard !self.inputClosed else { return }
        self.current = nil
        if parserError == .headerOverflow {
            self.refuse(HTTPError(.requestHeaderFieldsTooLarge, "request header fields too large"))
        } else {
            self.refuse(HTTPError(.badRequest, "malformed HTTP request"))
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            self.quiescing = true
            if self.inFlight == nil, self.queue.isEmpty, self.current == nil {
                context.close(promise: nil)
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Starts the next queued request unless one is in flight; re-entered when a handler finishes at once.
    func processNext() {
        guard self.inFlight == nil, !self.closed else { return }
        guard let work = self.queue.popFirst() else {
            self.becameIdle()
            return
        }
        if self.readPending, self.queue.count < Self.maxQueuedRequests {
            self.readPending = false
            self.context?.read()
        }
        self.deadline = nil
        self.nextSequence &+= 1
        self.inFlight = InFlight(sequence: self.nextSequence, task: nil)
        switch work {
        case .reject(let error):
            self.write(.error(error), for: nil, requestID: nil, closeAfter: true)
        case .request(let request):
            self.dispatch(request, sequence: self.nextSequence)
        }
    }

    /// No request in progress: close if asked to, otherwise wait for the next one within the idle timeout.
    private func becameIdle() {
        guard self.current == nil, !self.closed else { return }
        if self.quiescing || self.inputClosed {
            self.context?.close(promise: nil)
            return
        }
        self.setDeadline(.idle, after: self.settings.configuration.idleTimeout)
    }

    /// Bytes arrived (before decoding): a new request's head or more of a body has to arrive in time.
    func bytesReceived() {
        guard self.inFlight == nil, self.queue.isEmpty, !self.inputClosed else { return }
        if self.current == nil {
            if self.deadline?.reason != .header {
                self.setDeadline(.header, after: self.settings.configuration.headerReadTimeout)
            }
        } else {
            self.setDeadline(.body, after: self.settings.configuration.idleTimeout)
        }
    }
}
