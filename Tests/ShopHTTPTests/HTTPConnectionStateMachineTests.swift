import NIOCore
import NIOHTTP1
@testable import ShopHTTP
import Testing

/// The connection's life as a plain value: what it answers to each event, with time passed in.
@Suite("HTTPConnectionStateMachine: pipelining, closing, back-pressure, flushing and deadlines")
struct HTTPConnectionStateMachineTests {
    static let limits = HTTPConnectionStateMachine.Limits(
        maxBodySize: 10, idleTimeout: .seconds(60), headerReadTimeout: .seconds(10), deadlineTick: .seconds(1), maxQueuedRequests: 2)
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    static func head(_ uri: String, _ headers: [(String, String)] = [], version: HTTPVersion = .http1_1) -> HTTPRequestHead {
        HTTPRequestHead(version: version, method: .GET, uri: uri, headers: HTTPHeaders(headers))
    }

    /// The sequence and URI of a started request, nil for anything else.
    static func started(_ action: HTTPConnectionStateMachine.Action) -> (sequence: Int, uri: String, readAgain: Bool)? {
        guard case .start(.request(let request), let sequence, let readAgain) = action else { return nil }
        return (sequence, request.head.uri, readAgain)
    }

    /// The status of a started refusal, nil for anything else.
    static func refused(_ action: HTTPConnectionStateMachine.Action) -> HTTPResponseStatus? {
        guard case .start(.reject(let error), _, _) = action else { return nil }
        return error.status
    }

    static func isClose(_ action: HTTPConnectionStateMachine.Action) -> Bool {
        if case .close = action { return true }
        return false
    }

    static func isNone(_ action: HTTPConnectionStateMachine.Action) -> Bool {
        if case .none = action { return true }
        return false
    }

    /// Feeds one whole request without a body.
    static func request(_ machine: inout HTTPConnectionStateMachine, _ uri: String, _ headers: [(String, String)] = []) -> HTTPConnectionStateMachine.Action {
        _ = machine.readStarted()
        _ = machine.receivedHead(head(uri, headers), startedAt: nil, now: start)
        return machine.receivedEnd(now: start)
    }

    @Test("pipelined requests start one at a time, in order, each after the previous response is written")
    func pipelinedInOrder() {
        var machine = HTTPConnectionStateMachine(limits: Self.limits)
        let a = Self.request(&machine, "/a")
        #expect(Self.started(a)?.uri == "/a")
        let b = Self.request(&machine, "/b")
        #expect(Self.isNone(b), "/b waits while /a is in flight")
        #expect(machine.queue.count == 1)
        let flushInBurst = machine.responseWritten(closeAfter: false)
        #expect(!flushInBurst, "inside a read burst the flush waits for its end")
        let next = Self.started(machine.startNext(now: Self.start))
        #expect(next?.uri == "/b" && next?.sequence == 2)
        #expect(!machine.awaits(1) && machine.awaits(2), "a late answer to /a is not written over /b's")
        let flushAtEnd = machine.readCompleted()
        #expect(flushAtEnd, "the burst's writes are flushed once, at its end")
        let flushNow = machine.responseWritten(closeAfter: false)
        #expect(flushNow, "outside a burst a response is flushed at once")
        let idle = machine.startNext(now: Self.start + .seconds(5))
        #expect(Self.isNone(idle))
        #expect(machine.deadline == .init(reason: .idle, at: Self.start + .seconds(65)))
    }

    @Test("Connection: close: the request is the last taken; its response closes, what came after is never answered")
    func connectionClose() {
        var machine = HTTPConnectionStateMachine(limits: Self.limits)
        let first = Self.request(&machine, "/last", [("connection", "close")])
        #expect(Self.started(first)?.uri == "/last")
        let taken = machine.readStarted()
        #expect(!taken, "input after Connection: close is ignored")
        #expect(machine.closesAfterResponse(to: Self.head("/last", [("connection", "close")])))
        _ = machine.responseWritten(closeAfter: true)
        #expect(machine.queue.isEmpty && machine.input == .closed)
    }

    @Test("a declared body over the limit, or one that grows past it, is refused with 413 and input closes")
    func bodyTooLarge() {
        var declared = HTTPConnectionStateMachine(limits: Self.limits)
        _ = declared.readStarted()
        let refusal = declared.receivedHead(Self.head("/p", [("content-length", "11")]), startedAt: nil, now: Self.start)
        #expect(Self.refused(refusal) == .payloadTooLarge)
        #expect(declared.input == .closed)

        var growing = HTTPConnectionStateMachine(limits: Self.limits)
        _ = growing.readStarted()
        _ = growing.receivedHead(Self.head("/p"), startedAt: nil, now: Self.start)
        var six = ByteBuffer(string: "123456")
        let taken = growing.receivedBody(&six, now: Self.start)
        #expect(Self.isNone(taken))
        var five = ByteBuffer(string: "12345")
        let over = growing.receivedBody(&five, now: Self.start)
        #expect(Self.refused(over) == .payloadTooLarge)
        let end = growing.receivedEnd(now: Self.start)
        #expect(Self.isNone(end), "the refused request is never queued")
    }

    @Test("a parse error answers 400 (431 for a head too large) once; a second error is ignored")
    func parseErrors() {
        var machine = HTTPConnectionStateMachine(limits: Self.limits)
        let first = machine.parseFailed(headerTooLarge: true, now: Self.start)
        #expect(Self.refused(first) == .requestHeaderFieldsTooLarge)
        let second = machine.parseFailed(headerTooLarge: false, now: Self.start)
        #expect(Self.isNone(second))
        var other = HTTPConnectionStateMachine(limits: Self.limits)
        let malformed = other.parseFailed(headerTooLarge: false, now: Self.start)
        #expect(Self.refused(malformed) == .badRequest)
    }

    @Test("Expect: 100-continue is answered for the first request only, not behind a running one")
    func expectContinue() {
        var machine = HTTPConnectionStateMachine(limits: Self.limits)
        _ = machine.readStarted()
        guard case .sendContinue(.http1_1) = machine.receivedHead(Self.head("/up", [("expect", "100-continue")]), startedAt: nil, now: Self.start)
        else { Issue.record("no 100 Continue"); return }
        _ = machine.receivedEnd(now: Self.start)
        let behind = machine.receivedHead(Self.head("/up", [("expect", "100-continue")]), startedAt: nil, now: Self.start)
        #expect(Self.isNone(behind))
    }

    @Test("reading is held back while the queue is full and asked for again as it drains")
    func backPressure() {
        var machine = HTTPConnectionStateMachine(limits: Self.limits)
        _ = Self.request(&machine, "/1")
        _ = Self.request(&machine, "/2")
        _ = Self.request(&machine, "/3")
        #expect(machine.queue.count == 2)
        let full = machine.readRequested()
        #expect(!full)
        _ = machine.responseWritten(closeAfter: false)
        let next = Self.started(machine.startNext(now: Self.start))
        #expect(next?.uri == "/2" && next?.readAgain == true)
        let drained = machine.readRequested()
        #expect(drained)
    }

    @Test("graceful shutdown: an idle connection closes at once; a busy one answers, closing with its last response")
    func quiescing() {
        var idle = HTTPConnectionStateMachine(limits: Self.limits)
        let active = idle.activated(now: Self.start)
        #expect(Self.isNone(active))
        let quiesced = idle.quiesce()
        #expect(Self.isClose(quiesced))

        var busy = HTTPConnectionStateMachine(limits: Self.limits)
        _ = Self.request(&busy, "/slow")
        let later = busy.quiesce()
        #expect(Self.isNone(later))
        #expect(busy.closesAfterResponse(to: Self.head("/slow")))
    }

    @Test("deadlines: one timer armed at a time; a head late past headerReadTimeout gets 408, an idle connection closes")
    func deadlines() {
        var machine = HTTPConnectionStateMachine(limits: Self.limits)
        _ = machine.activated(now: Self.start)
        let armed = machine.timerToArm(now: Self.start)
        #expect(armed == Self.start + .seconds(1))
        let twice = machine.timerToArm(now: Self.start)
        #expect(twice == nil, "armed already")
        machine.bytesReceived(now: Self.start + .milliseconds(500))
        #expect(machine.deadline?.reason == .header)
        guard case .rearm(let again) = machine.timerFired(now: Self.start + .seconds(1)) else { Issue.record("not rearmed"); return }
        #expect(again == Self.start + .seconds(2))
        guard case .act(let late) = machine.timerFired(now: Self.start + .seconds(11)) else { Issue.record("no 408"); return }
        #expect(Self.refused(late) == .requestTimeout)

        var quiet = HTTPConnectionStateMachine(limits: Self.limits)
        _ = quiet.activated(now: Self.start)
        _ = quiet.timerToArm(now: Self.start)
        guard case .act(.close) = quiet.timerFired(now: Self.start + .seconds(61)) else { Issue.record("idle connection not closed"); return }
    }

    @Test("a closed connection starts nothing and waits for no answer")
    func deactivated() {
        var machine = HTTPConnectionStateMachine(limits: Self.limits)
        _ = Self.request(&machine, "/a")
        machine.deactivated()
        #expect(machine.isClosed && !machine.awaits(1))
        let next = machine.startNext(now: Self.start)
        #expect(Self.isNone(next))
        let timer = machine.timerToArm(now: Self.start)
        #expect(timer == nil)
    }
}
