import NIOCore
import NIOPosix

/// A TCP server that answers whatever it is sent with bytes that are not HTTP and closes: an upstream
/// that gives a broken answer, for the gateway's 502.
struct BrokenUpstream {
    let channel: any Channel

    /// Starts listening on a free port of 127.0.0.1.
    static func start() async throws -> BrokenUpstream {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Answerer()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return BrokenUpstream(channel: channel)
    }

    var url: String { "http://127.0.0.1:\(channel.localAddress?.port ?? 0)" }

    func stop() async {
        try? await channel.close()
    }

    private final class Answerer: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let garbage = ByteBuffer(string: "SSH-2.0-definitely-not-http\r\n\r\n")
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(garbage)).whenComplete { _ in bound.value.close(promise: nil) }
        }
    }
}
