import Foundation
import ShopAPI
import ShopDomain
import ShopHTTP
import ShopReactions

/// `POST /email {"to","msg","key"}`: records (and logs) the message once per key; 400 on bad input.
///
/// Answers `{"sent":true,"id":…}` for a new message and `{"sent":false,"id":…}` (the earlier entry) for a repeat,
/// both 200: a sender retrying after a lost answer has succeeded either way.
struct EmailRoutes: Sendable {
    let recorder: MessageRecorder

    func register(_ router: inout Router) {
        router.post("/email") { request in try await email(request) }
    }

    func email(_ request: Request) async throws -> Response {
        let message: EmailMessage
        do {
            message = try BodyDecoder.decodeOne(Array(request.body.readableBytesView), as: EmailMessage.self)
        } catch {
            throw HTTPError(.badRequest, error.description)
        }
        // Redis away is a 503 (the sender waits and retries), as for every other command.
        let outcome = try await StoreFailure.translating(topic: .customer) {
            try await recorder.record(message, sentAt: Int(Date().timeIntervalSince1970))
        }
        switch outcome {
        case .sent(let entryID):
            request.logger.info("e-mail sent", metadata: [
                "message.to": "\(message.to)", "message.key": "\(message.key)", "message.entry_id": "\(entryID)",
                "message.text": "\(message.msg.prefix(2000))",
            ])
            return .json(Answer(sent: true, id: entryID))
        case .duplicate(let entryID):
            request.logger.info("e-mail already sent under this key", metadata: [
                "message.key": "\(message.key)", "message.entry_id": "\(entryID)",
            ])
            return .json(Answer(sent: false, id: entryID))
        }
    }

    /// The answer's body.
    struct Answer: Encodable {
        var sent: Bool
        var id: String
    }
}
