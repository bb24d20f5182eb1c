import Foundation
import Logging
import NIOCore
import ShopHTTP
import ShopService

/// Sends messages to msg-service (`POST /email`) with the keep-alive client of the service runtime.
public struct MessageSender: Sendable {
    let runtime: ServiceRuntime

    /// A sender through `runtime`'s client for msg-service (`MSG_SERVICE_URL`).
    public init(runtime: ServiceRuntime) {
        self.runtime = runtime
    }

    /// Sends `message`; returns once msg-service has recorded it (or had it already under the same key).
    /// Throws `ReactionError`: `.unavailable` (down, 502–504: worth waiting for) or `.rejected` (any other status).
    public func send(_ message: EmailMessage, logger: Logger) async throws {
        let body: ByteBuffer
        do {
            body = ByteBuffer(bytes: try JSONEncoder().encode(message))
        } catch {
            throw ReactionError(.malformedEvent, "the message \(message.key) cannot be encoded: \(error)")
        }
        let response: ClientResponse
        do {
            // The runtime validated MSG_SERVICE_URL at start and caches the client, so this is a lookup.
            response = try await runtime.client(for: .msg).execute(.POST, "/email", body: body)
        } catch {
            throw ReactionError(.unavailable, "msg-service is unavailable: \(error)")
        }
        switch response.status.code {
        case 200..<300:
            logger.debug("message handed to msg-service", metadata: ["message.key": "\(message.key)"])
        case 502, 503, 504:
            throw ReactionError(.unavailable, "msg-service answered \(response.status.code) for \(message.key)")
        default:
            throw ReactionError(.rejected(status: response.status.code),
                                "msg-service refused the message \(message.key): \(String(buffer: response.body).prefix(200))")
        }
    }
}
