import Logging
import NIOCore
import ShopDomain
import ShopHTTP

/// Sends messages to msg-service (`POST /email`) with a keep-alive client.
public struct MessageSender: Sendable {
    let client: HTTPClient

    /// A sender through `client`, msg-service's (`MSG_SERVICE_URL`).
    public init(client: HTTPClient) {
        self.client = client
    }

    /// The most bytes one request carries; a larger batch goes in several requests (msg-service takes 1 MiB).
    public static let maxRequestBytes = 512 * 1024

    /// Sends `messages` in order: one alone as `POST /email {…}`, several as `POST /email [{…}, …]` (requests of at
    /// most `maxRequestBytes`); returns once msg-service has recorded them (or had them already under their keys).
    /// Throws `ReactionError`: `.unavailable` (down, 502–504: worth waiting for) or `.rejected` (any other status).
    public func send(_ messages: [EmailMessage], logger: Logger) async throws {
        let bodies = messages.map(Self.json)
        guard bodies.count > 1 else {
            if let body = bodies.first { try await post(body, keys: messages[0].key, logger: logger) }
            return
        }
        var start = 0
        while start < bodies.count {
            var body = ByteBuffer(bytes: "[".utf8)
            var end = start
            while end < bodies.count, end == start || body.readableBytes + bodies[end].readableBytes < Self.maxRequestBytes {
                if end > start { body.writeString(",") }
                body.writeImmutableBuffer(bodies[end])
                end += 1
            }
            body.writeString("]")
            try await post(body, keys: "\(messages[start].key) and \(end - start - 1) more", logger: logger)
            start = end
        }
    }

    /// `{"to":…,"msg":…,"key":…,"correlation_id":…,"causation_id":…}` (ids when known), written directly (a reaction sends one per event).
    static func json(_ message: EmailMessage) -> ByteBuffer {
        var body = ByteBuffer()
        body.reserveCapacity(message.msg.utf8.count + message.to.utf8.count + message.key.utf8.count + 32)
        message.write(into: &body)
        return body
    }

    private func post(_ body: ByteBuffer, keys: String, logger: Logger) async throws {
        let response: ClientResponse
        do {
            response = try await client.execute(.POST, "/email", body: body)
        } catch {
            throw ReactionError(.unavailable, "msg-service is unavailable: \(error)")
        }
        switch response.status.code {
        case 200..<300:
            logger.debug("messages handed to msg-service", metadata: ["message.keys": "\(keys)"])
        case 502, 503, 504:
            throw ReactionError(.unavailable, "msg-service answered \(response.status.code) for \(keys)")
        default:
            throw ReactionError(.rejected(status: response.status.code),
                                "msg-service refused \(keys): \(String(buffer: response.body).prefix(200))")
        }
    }
}
