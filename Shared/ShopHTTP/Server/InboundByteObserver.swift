// ShopHTTP/Server: the HTTP/1.1 server: listening, one handler per connection, limits, deadlines, graceful shutdown.

import NIOCore

/// Sits before the HTTP decoder and tells the connection handler that bytes arrived, which the decoder
/// hides until a whole head is parsed: the header-read timeout starts at a request's first byte.
final class InboundByteObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let onBytes: () -> Void

    init(onBytes: @escaping () -> Void) {
        self.onBytes = onBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.onBytes()
        context.fireChannelRead(data)
    }
}
