// ShopHTTP/Client: the keep-alive HTTP/1.1 client for service-to-service calls and its bounded connection pool.

import NIOCore
import NIOHTTP1

/// One client connection's request/response exchange: one request at a time, with its timeout.
///
/// Confined to the channel's event loop.
final class HTTPClientHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private struct Exchange {
        let promise: EventLoopPromise<ClientResponse>
        var head: HTTPResponseHead?
        var body = ByteBuffer()
        var timeout: Scheduled<Void>?
    }

    private let maxBodySize: Int
    private var context: ChannelHandlerContext?
    private var exchange: Exchange?
    /// Whether the last response allows another request on this connection.
    private(set) var isReusable = true

    init(maxBodySize: Int) {
        self.maxBodySize = maxBodySize
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func send(_ head: HTTPRequestHead, body: ByteBuffer?, timeout: TimeAmount, promise: EventLoopPromise<ClientResponse>) {
        guard let context, context.channel.isActive, self.exchange == nil else {
            var error = HTTPClientError(.connectionClosed, "connection closed before the request was sent")
            error.retrySafety = .always
            promise.fail(error)
            return
        }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let timer = context.eventLoop.scheduleTask(in: timeout) {
            handler.value.fail(HTTPClientError(.timeout, "no response within \(timeout.nanoseconds / 1_000_000) ms"))
        }
        self.exchange = Exchange(promise: promise, timeout: timer)
        // The last byte of the request failing to reach the kernel means the upstream never got the whole request:
        // NIO fails pending writes before it reports the channel inactive, so this is seen first.
        let lastWritten = context.eventLoop.makePromise(of: Void.self)
        lastWritten.futureResult.whenFailure { error in
            // Still this exchange, and no answer yet (an early answer, e.g. 413, is reported as it is).
            guard let exchange = handler.value.exchange, exchange.promise.futureResult === promise.futureResult,
                  exchange.head == nil else { return }
            var failure = HTTPClientError(.connectionClosed, "cannot send the request: \(error)")
            failure.retrySafety = .always
            handler.value.fail(failure)
        }
        if let body, body.readableBytes > 0 {
            context.write(self.wrapOutboundOut(.head(head)), promise: nil)
            context.write(self.wrapOutboundOut(.body(.byteBuffer(body))), promise: lastWritten)
        } else {
            context.write(self.wrapOutboundOut(.head(head)), promise: lastWritten)
        }
        context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard self.exchange != nil else { return }
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.exchange!.head = head
            self.isReusable = head.isKeepAlive
            // The body's room at once when its length is announced: no regrowing copies of a large answer.
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > 0, length <= self.maxBodySize {
                self.exchange!.body.reserveCapacity(length)
            }
        case .body(var chunk):
            if self.exchange!.body.readableBytes + chunk.readableBytes > self.maxBodySize {
                self.fail(HTTPClientError(.responseTooLarge, "response body exceeds \(self.maxBodySize) bytes"))
                return
            }
            self.exchange!.body.writeBuffer(&chunk)
        case .end:
            guard let exchange = self.exchange, let head = exchange.head else { return }
            self.exchange = nil
            exchange.timeout?.cancel()
            exchange.promise.succeed(ClientResponse(status: head.status, headers: head.headers, body: exchange.body))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.isReusable = false
        self.fail(HTTPClientError(.connectionClosed, "upstream closed the connection before the response was complete"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let parserError = error as? HTTPParserError, parserError == .invalidEOFState || parserError == .closedConnection {
            self.fail(HTTPClientError(.connectionClosed, "upstream closed the connection in the middle of the response"))
        } else if error is HTTPParserError {
            self.fail(HTTPClientError(.malformedResponse, "upstream sent a malformed HTTP response (\(error))"))
        } else {
            self.fail(HTTPClientError(.connectionClosed, "connection failed: \(error)"))
        }
    }

    /// Fails the current exchange, if any, and closes the connection: its state is unknown now.
    ///
    /// A connection lost before any response byte (closed, reset) leaves the request possibly unprocessed.
    private func fail(_ error: HTTPClientError) {
        self.isReusable = false
        if let exchange = self.exchange {
            var error = error
            if error.code == .connectionClosed, exchange.head == nil, error.retrySafety == .never {
                error.retrySafety = .ifIdempotent
            }
            self.exchange = nil
            exchange.timeout?.cancel()
            exchange.promise.fail(error)
        }
        self.context?.close(promise: nil)
    }
}
