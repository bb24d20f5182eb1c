// ShopHTTP/Server: the HTTP/1.1 server: listening, one handler per connection, limits, deadlines, graceful shutdown.

import NIOCore
import NIOHTTP1

extension HTTPServerHandler {
    /// How long a peer that is being closed gets to read the last response before the socket is closed.
    static let lingerAfterClose: TimeAmount = .seconds(2)

    /// Arms the deadline timer when the state machine has a deadline and no timer runs; moving a deadline is
    /// cheap, because the timer is not rescheduled for it (see `HTTPConnectionStateMachine.timerToArm`).
    func armTimerIfNeeded() {
        guard let fireTime = self.machine.timerToArm(now: .now()) else { return }
        self.armTimer(at: fireTime)
    }

    private func armTimer(at fireTime: NIODeadline) {
        guard let context = self.context else { return }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        self.deadlineTimer = context.eventLoop.scheduleTask(deadline: fireTime) {
            handler.value.timerFired()
        }
    }

    private func timerFired() {
        self.deadlineTimer = nil
        switch self.machine.timerFired(now: .now()) {
        case .none: break
        case .rearm(let fireTime): self.armTimer(at: fireTime)
        case .act(let action): self.perform(action)
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
