// ShopHTTP/Server: the HTTP/1.1 server: listening, one handler per connection, limits, deadlines, graceful shutdown.

import NIOCore
import NIOHTTP1

/// A large body goes out a slice at a time: each slice is flushed and the next one written only once the socket
/// took it, so one large answer never holds the event loop for long and small requests on other connections of
/// the loop are served between its slices.
extension HTTPServerHandler {
    /// Bodies longer than this are written in slices of about this size.
    static let bodySliceSize = 256 * 1024

    /// A body's buffers cut into slices of about `bodySliceSize` bytes (views of the same storage, no copies).
    struct BodySlices: Sendable {
        var slices: [[ByteBuffer]] = []

        init(_ parts: [ByteBuffer]) {
            var slice: [ByteBuffer] = []
            var size = 0
            for var part in parts where part.readableBytes > 0 {
                while part.readableBytes > 0 {
                    let taken = part.readSlice(length: min(part.readableBytes, HTTPServerHandler.bodySliceSize - size))!
                    slice.append(taken)
                    size += taken.readableBytes
                    if size >= HTTPServerHandler.bodySliceSize {
                        slices.append(slice)
                        slice = []
                        size = 0
                    }
                }
            }
            if !slice.isEmpty { slices.append(slice) }
        }
    }

    /// Writes the slices from `index` on, each after the previous one reached the socket; then `done` on the loop.
    /// A failed write means the connection is going away: nothing more is written.
    func writeInSlices(_ body: BodySlices, from index: Int = 0, context: ChannelHandlerContext,
                       done: @escaping @Sendable (HTTPServerHandler) -> Void) {
        guard index < body.slices.count else {
            done(self)
            return
        }
        for buffer in body.slices[index] {
            context.write(self.wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.writeAndFlush(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer())))).whenSuccess {
            let handler = handler.value
            guard !handler.machine.isClosed, let context = handler.context else { return }
            handler.writeInSlices(body, from: index + 1, context: context, done: done)
        }
    }
}
