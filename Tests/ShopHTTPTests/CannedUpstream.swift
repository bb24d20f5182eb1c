import NIOCore
import NIOPosix

/// A misbehaving upstream: answers every request with fixed bytes (or nothing) and closes the connection.
struct CannedUpstream {
    let channel: any Channel
    var port: Int { self.channel.localAddress?.port ?? 0 }

    private final class Responder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let reply: String?
        init(reply: String?) { self.reply = reply }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if let reply = self.reply {
                context.write(self.wrapOutboundOut(ByteBuffer(string: reply)), promise: nil)
            }
            context.writeAndFlush(self.wrapOutboundOut(ByteBuffer()), promise: nil)
            context.close(promise: nil)
        }
    }

    static func start(reply: String?) async throws -> CannedUpstream {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Responder(reply: reply)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return CannedUpstream(channel: channel)
    }

    func stop() async {
        try? await self.channel.close()
    }
}
