// ShopHTTP/Client: the keep-alive HTTP/1.1 client for service-to-service calls and its bounded connection pool.

import NIOCore
import NIOHTTP1

/// One keep-alive connection to the upstream and its exchange handler.
final class ClientConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<HTTPClientHandler>

    init(channel: any Channel, handler: NIOLoopBound<HTTPClientHandler>) {
        self.channel = channel
        self.handler = handler
    }

    /// Sends one request; the future fails with an `HTTPClientError`. Also tells whether the connection can be reused.
    func execute(_ head: HTTPRequestHead, body: ByteBuffer?, timeout: TimeAmount) -> EventLoopFuture<(ClientResponse, reusable: Bool)> {
        let eventLoop = self.channel.eventLoop
        let promise = eventLoop.makePromise(of: ClientResponse.self)
        let handler = self.handler
        if eventLoop.inEventLoop {
            handler.value.send(head, body: body, timeout: timeout, promise: promise)
        } else {
            eventLoop.execute { handler.value.send(head, body: body, timeout: timeout, promise: promise) }
        }
        return promise.futureResult.map { response in (response, handler.value.isReusable && self.channel.isActive) }
    }
}
