// ShopHTTP/Server: the HTTP/1.1 server: listening, one handler per connection, limits, deadlines, graceful shutdown.

import DequeModule
import NIOCore
import NIOHTTP1

/// One server connection's life as a value: the request being read, the requests waiting their turn, the one being
/// answered, whether more input is taken, graceful closing, read back-pressure, flush coalescing and the deadline.
///
/// `HTTPServerHandler` feeds it what happened (a request part, a response written, a timer, a quiesce) and does what
/// it answers; it does no I/O itself, so it is tested as a plain value. Each call changes the state first and then
/// answers, so the handler may re-enter it while carrying out an answer (a handler that answers at once).
struct HTTPConnectionStateMachine {
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

    /// The one timeout a connection has at a time.
    struct Deadline: Equatable {
        enum Reason { case idle, header, body }
        let reason: Reason
        let at: NIODeadline
    }

    /// The limits and timeouts the machine enforces (from the server's configuration).
    struct Limits {
        var maxBodySize: Int
        var idleTimeout: TimeAmount
        var headerReadTimeout: TimeAmount
        /// The deadline timer fires at most this long after it was armed (see `timerToArm`).
        var deadlineTick: TimeAmount
        /// Pipelined requests beyond this stop reading from the socket until the queue drains.
        var maxQueuedRequests = 16
    }

    /// Whether input is still taken: after a parse error, a refused body, a timeout or `Connection: close` it is not,
    /// and what arrives later is ignored.
    enum Input { case open, closed }

    /// Serving; asked to close once idle (graceful shutdown); or gone.
    enum Lifecycle { case serving, quiescing, closed }

    /// Inside a read burst responses are only written, and flushed once at its end.
    enum Burst { case between, reading, readingWithUnflushedWrites }

    /// Whether the socket is read: held back while `maxQueuedRequests` wait, read again once the queue drains.
    enum Demand { case flowing, heldBack }

    /// What the handler must do.
    enum Action {
        case none
        /// Start answering this (route and run it, or write the refusal and close); `sequence` names the answer.
        case start(Work, sequence: Int, readAgain: Bool)
        /// Send `100 Continue` now: the client waits for it before sending the body.
        case sendContinue(HTTPVersion)
        /// Close the connection now.
        case close
    }

    /// What to do when the deadline timer fires.
    enum TimerAction {
        case none
        /// Not due yet: fire again then.
        case rearm(NIODeadline)
        /// Idle too long, or the request did not come in time (then `action` starts the 408).
        case act(Action)
    }

    let limits: Limits
    private(set) var current: PendingRequest?
    private(set) var queue: Deque<Work> = []
    /// The answer being produced or written (its sequence number): one at a time keeps responses in order.
    private(set) var inFlight: Int?
    private var nextSequence = 0
    private(set) var input = Input.open
    private(set) var lifecycle = Lifecycle.serving
    private(set) var burst = Burst.between
    private(set) var demand = Demand.flowing
    private(set) var deadline: Deadline?
    private var timerArmed = false

    init(limits: Limits) {
        self.limits = limits
    }

    var isClosed: Bool { lifecycle == .closed }

    /// Whether the answer numbered `sequence` is still the one this connection waits for.
    func awaits(_ sequence: Int) -> Bool {
        inFlight == sequence && lifecycle != .closed
    }

    // MARK: Connection events

    /// The connection is open: wait for the first request within the idle timeout.
    mutating func activated(now: NIODeadline) -> Action {
        becameIdle(now: now)
    }

    /// The connection is gone: nothing more is answered; the in-flight handler (if any) is cancelled by the caller.
    mutating func deactivated() {
        lifecycle = .closed
        queue.removeAll()
        current = nil
        deadline = nil
        timerArmed = false
    }

    /// Graceful shutdown asked: close now when idle, else after the answer at hand.
    mutating func quiesce() -> Action {
        lifecycle = lifecycle == .closed ? .closed : .quiescing
        return inFlight == nil && queue.isEmpty && current == nil ? .close : .none
    }

    // MARK: Reading

    /// Whether a request part that arrived is taken (false once input is closed); starts or continues a read burst.
    mutating func readStarted() -> Bool {
        if burst == .between { burst = .reading }
        return input == .open
    }

    /// The read burst ended: true when responses were written during it and must be flushed now.
    mutating func readCompleted() -> Bool {
        defer { burst = .between }
        return burst == .readingWithUnflushedWrites
    }

    /// The channel wants to read: false while too many requests wait (reading resumes as the queue drains).
    mutating func readRequested() -> Bool {
        guard queue.count >= limits.maxQueuedRequests else { return true }
        demand = .heldBack
        return false
    }

    /// Bytes arrived (before decoding): a new request's head or more of a body has to arrive in time.
    mutating func bytesReceived(now: NIODeadline) {
        guard inFlight == nil, queue.isEmpty, input == .open else { return }
        if current == nil {
            if deadline?.reason != .header { setDeadline(.header, after: limits.headerReadTimeout, now: now) }
        } else {
            setDeadline(.body, after: limits.idleTimeout, now: now)
        }
    }

    /// A request head arrived; `startedAt` is when it did (nil when nobody records request times).
    mutating func receivedHead(_ head: HTTPRequestHead, startedAt: ContinuousClock.Instant?, now: NIODeadline) -> Action {
        // The head is in; the body (if any) must keep coming. `startNext` clears this once the request is whole.
        // Behind a running handler (pipelining) no timer applies: the handler's own time is not the client's fault.
        let first = inFlight == nil && queue.isEmpty
        if first {
            setDeadline(.body, after: limits.idleTimeout, now: now)
        } else {
            deadline = nil
        }
        if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > limits.maxBodySize {
            return refuse(HTTPError(.payloadTooLarge, "request body exceeds \(limits.maxBodySize) bytes"), now: now)
        }
        current = PendingRequest(head: head, body: ByteBuffer(), startedAt: startedAt)
        if first, head.headers.first(name: "expect")?.lowercased() == "100-continue" { return .sendContinue(head.version) }
        return .none
    }

    /// A piece of the body arrived.
    mutating func receivedBody(_ chunk: inout ByteBuffer, now: NIODeadline) -> Action {
        guard current != nil else { return .none }
        if current!.body.readableBytes + chunk.readableBytes > limits.maxBodySize {
            current = nil
            return refuse(HTTPError(.payloadTooLarge, "request body exceeds \(limits.maxBodySize) bytes"), now: now)
        }
        if current!.body.readableBytes == 0 {
            current!.body = chunk
        } else {
            current!.body.writeBuffer(&chunk)
        }
        return .none
    }

    /// The request is whole: it waits its turn (and is the last one taken when it asks to close).
    mutating func receivedEnd(now: NIODeadline) -> Action {
        guard let request = current else { return .none }
        current = nil
        if !request.head.isKeepAlive { input = .closed }
        queue.append(.request(request))
        return startNext(now: now)
    }

    /// NIO's decoder could not parse the input: 431 for a head too large, else 400; then close.
    mutating func parseFailed(headerTooLarge: Bool, now: NIODeadline) -> Action {
        guard input == .open else { return .none }
        current = nil
        return headerTooLarge
            ? refuse(HTTPError(.requestHeaderFieldsTooLarge, "request header fields too large"), now: now)
            : refuse(HTTPError(.badRequest, "malformed HTTP request"), now: now)
    }

    // MARK: Answering

    /// Whether the response to `head` must close the connection: the client asked, or the server is shutting down
    /// and nothing else waits.
    func closesAfterResponse(to head: HTTPRequestHead) -> Bool {
        !head.isKeepAlive || (lifecycle == .quiescing && queue.isEmpty && current == nil)
    }

    /// The response is written. Closing: input ends and nothing queued is answered (the caller closes after
    /// writing). Otherwise the answer is done; returns whether to flush now (outside a read burst).
    mutating func responseWritten(closeAfter: Bool) -> Bool {
        inFlight = nil
        if closeAfter {
            input = .closed
            queue.removeAll()
            return false
        }
        guard burst == .between else {
            burst = .readingWithUnflushedWrites
            return false
        }
        return true
    }

    /// Starts the next queued request unless one is in flight; when none is left, the connection is idle.
    mutating func startNext(now: NIODeadline) -> Action {
        guard inFlight == nil, lifecycle != .closed else { return .none }
        guard let work = queue.popFirst() else { return becameIdle(now: now) }
        var readAgain = false
        if demand == .heldBack, queue.count < limits.maxQueuedRequests {
            demand = .flowing
            readAgain = true
        }
        deadline = nil
        nextSequence &+= 1
        inFlight = nextSequence
        return .start(work, sequence: nextSequence, readAgain: readAgain)
    }

    // MARK: Deadlines

    /// When to arm the deadline timer, if a deadline is set and no timer is armed; the caller arms it.
    ///
    /// The timer fires at most one tick after it was armed, and every deadline is at least one tick away when set,
    /// so a new deadline never needs an earlier timer: per request only a value is stored.
    mutating func timerToArm(now: NIODeadline) -> NIODeadline? {
        guard deadline != nil, !timerArmed, lifecycle != .closed else { return nil }
        timerArmed = true
        return now + limits.deadlineTick
    }

    /// The deadline timer fired.
    mutating func timerFired(now: NIODeadline) -> TimerAction {
        timerArmed = false
        guard let deadline, lifecycle != .closed else { return .none }
        guard inFlight == nil, queue.isEmpty else {
            self.deadline = nil
            return .none
        }
        guard now >= deadline.at else {
            timerArmed = true
            return .rearm(min(deadline.at, now + limits.deadlineTick))
        }
        self.deadline = nil
        switch deadline.reason {
        case .idle:
            return .act(.close)
        case .header:
            current = nil
            return .act(refuse(HTTPError(.requestTimeout, "request header not received in time"), now: now))
        case .body:
            current = nil
            return .act(refuse(HTTPError(.requestTimeout, "request body not received in time"), now: now))
        }
    }

    // MARK: Private

    /// Answers `error` after what is already queued, then closes; nothing read after it is served.
    private mutating func refuse(_ error: HTTPError, now: NIODeadline) -> Action {
        input = .closed
        queue.append(.reject(error))
        return startNext(now: now)
    }

    /// No request in progress: close if asked to, otherwise wait for the next one within the idle timeout.
    private mutating func becameIdle(now: NIODeadline) -> Action {
        guard current == nil, lifecycle != .closed else { return .none }
        if lifecycle == .quiescing || input == .closed { return .close }
        setDeadline(.idle, after: limits.idleTimeout, now: now)
        return .none
    }

    private mutating func setDeadline(_ reason: Deadline.Reason, after timeout: TimeAmount, now: NIODeadline) {
        deadline = Deadline(reason: reason, at: now + timeout)
    }
}
