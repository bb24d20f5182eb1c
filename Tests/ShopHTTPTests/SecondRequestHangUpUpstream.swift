import NIOCore
import NIOPosix
import Synchronization

/// An upstream that answers the first request on each connection and hangs up on the second one after reading it,
/// as a server crashing mid-request would: counts every request it read, to tell whether one was sent twice.
struct SecondRequestHangUpUpstream {
    let channel: any Channel
    let received: Received
    var port: Int { self.channel.localAddress?.port ?? 0 }

    final class Received: Sendable {
        private let count = Atomic<Int>(0)
        var value: Int { self.count.load(ordering: .relaxed) }
        func increment() { self.count.add(1, ordering: .relaxed) }
    }

    private final class Responder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let received: Received
        var pending = ""
        var answered = 0
        init(received: Received) { self.received = received }

        /// Requests here carry no body: each ends at the blank line after the head.
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            self.pending += String(buffer: self.unwrapInboundIn(data))
            while let end = self.pending.range(of: "\r\n\r\n") {
                self.pending.removeSubrange(..<end.upperBound)
                self.received.increment()
                if self.answered == 0 {
                    self.answered += 1
                    context.writeAndFlush(self.wrapOutboundOut(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")), promise: nil)
                } else {
                    context.close(promise: nil)
                    return
                }
            }
        }
    }

    static func start() async throws -> SecondRequestHangUpUpstream {
        let received = Received()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Responder(received: received)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return SecondRequestHangUpUpstream(channel: channel, received: received)
    }

    func stop() async {
        try? await self.channel.close()
    }
}
