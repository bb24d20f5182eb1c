// ShopHTTP/Server: the HTTP/1.1 server: listening, one handler per connection, limits, deadlines, graceful shutdown.

import NIOCore
import NIOHTTP1

extension HTTPServerHandler {
    /// The one timeout a connection has at a time.
    struct Deadline {
        enum Reason { case idle, header, body }
        let reason: Reason
        let at: NIODeadline
    }

    /// How long a peer that is being closed gets to read the last response before the socket is closed.
    static let lingerAfterClose: TimeAmount = .seconds(2)

    /// Moves the deadline; cheap, because the timer is not rescheduled for it (see `armTimer`).
    func setDeadline(_ reason: Deadline.Reason, after timeout: Duration) {
        self.deadline = Deadline(reason: reason, at: .now() + TimeAmount(timeout))
        if self.deadlineTimer == nil { self.armTimer(at: .now() + self.settings.deadlineTick) }
    }

    /// The timer fires at most one tick after it was armed, and every deadline is at least one tick away
    /// when set, so a new deadline never needs an earlier timer: per request we only store a value.
    private func armTimer(at fireTime: NIODeadline) {
        guard let context = self.context else { return }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        self.deadlineTimer = context.eventLoop.scheduleTask(deadline: fireTime) {
            handler.value.timerFired()
        }
    }

    private func timerFired() {
        self.deadlineTimer = nil
        guard let deadline = self.deadline, !self.closed else { return }
        guard self.inFlight == nil, self.queue.isEmpty else {
            self.deadline = nil
            return
        }
        let now = NIODeadline.now()
        guard now >= deadline.at else {
            self.armTimer(at: min(deadline.at, now + self.settings.deadlineTick))
            return
        }
        self.deadline = nil
        switch deadline.reason {
        case .idle:
            self.context?.close(promise: nil)
        case .header:
            self.current = nil
            self.refuse(HTTPError(.requestTimeout, "request header not received in time"))
        case .body:
            self.current = nil
            self.refuse(HTTPError(.requestTimeout, "request body not received in time"))
        }
    }

    /// Sends the last response and a FIN, then closes once the peer has read it (or after a linger),
    /// so a client still sending a refused body gets the response instead of a reset.
    func closeAfterWriting(_ context: ChannelHandlerContext) {
        let channel = context.channel
        context.writeAndFlush(self.wrapOutboundOut(.end(nil))).whenComplete { _ in
            channel.close(mode: .output, promise: nil)
            channel.eventLoop.scheduleTask(in: Self.lingerAfterClose) { channel.close(promise: nil) }
        }
    }
}
