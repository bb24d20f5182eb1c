import Foundation
import ShopAPI
import ShopDomain
import ShopEventStore
import ShopHTTP
import ShopJSON

/// `POST /email {"to","msg","key"}`: records (and logs) the message once per key; 400 on bad input.
/// `POST /email [{…}, …]` records several in order (the reacting services send a batch this way) and answers an
/// array; a batch with one bad message is refused whole (400) and records nothing.
///
/// Answers `{"sent":true,"id":…}` for a new message and `{"sent":false,"id":…}` (the earlier entry) for a repeat,
/// both 200: a sender retrying after a lost answer has succeeded either way.
struct EmailRoutes: Sendable {
    let log: MessageLog

    /// The most messages one request records.
    static let maxBatch = 1000

    func register(_ router: inout Router) {
        router.post("/email") { request in try await email(request) }
    }

    func email(_ request: Request) async throws -> Response {
        let messages = try request.bodies(EmailMessage.self, maxItems: Self.maxBatch)
        guard !messages.isEmpty else {
            throw HTTPError(.badRequest, #"expected a JSON object {"to", "msg", "key"} or a non-empty array of them"#)
        }
        let isBatch = request.body.readableBytesView.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "[")
        // Redis away is a 503 (the sender waits and retries), as for every other command.
        let outcomes = try await StoreFailure.translating(topic: .customer) {
            try await log.record(messages, sentAt: Int(Date().timeIntervalSince1970))
        }
        var answers: [Answer] = []
        for (message, outcome) in zip(messages, outcomes) {
            switch outcome {
            case .sent(let entryID):
                request.logger.info("e-mail sent", metadata: [
                    "message.to": "\(message.to)", "message.key": "\(message.key)", "message.entry_id": "\(entryID)",
                    "message.text": "\(message.msg.prefix(2000))",
                ])
                answers.append(Answer(sent: true, id: entryID))
            case .duplicate(let entryID):
                request.logger.info("e-mail already sent under this key", metadata: [
                    "message.key": "\(message.key)", "message.entry_id": "\(entryID)",
                ])
                answers.append(Answer(sent: false, id: entryID))
            }
        }
        var json = ByteBuffer()
        if isBatch { json.writeString("[") }
        for (index, answer) in answers.enumerated() {
            if index > 0 { json.writeString(",") }
            answer.write(into: &json)
        }
        if isBatch { json.writeString("]") }
        return .json(bytes: json)
    }

    /// The answer for one message: `{"sent":…,"id":…}`.
    struct Answer {
        var sent: Bool
        var id: String

        func write(into buffer: inout ByteBuffer) {
            var writer = JSONWriter(into: buffer)
            writer.field("sent", sent)
            writer.field("id", id)
            buffer = writer.finished()
        }
    }
}
