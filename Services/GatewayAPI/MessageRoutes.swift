import ShopAPI
import ShopHTTP
import ShopRedis

/// `GET /messages?limit=`: the messages msg-service sent, oldest first, from its capped `messages` stream.
struct MessageRoutes: Sendable {
    let redis: RedisClient

    /// The stream msg-service records its messages in.
    static let stream = "messages"
    /// msg-service's list of the entry ids of one correlation's messages (MessageRecorder.correlationKey).
    static func correlationKey(_ correlationID: String) -> String { "{messages}:correlation:\(correlationID)" }
    static let defaultLimit = 1000
    static let maxLimit = 10_000

    func register(_ router: inout Router) {
        router.get("/messages") { request in try await messages(request) }
    }

    func messages(_ request: Request) async throws -> Response {
        let limit = try request.integerQuery("limit", default: Self.defaultLimit, in: 1...Self.maxLimit)
        let entries = try await StoreFailure.translating(topic: .customer) {
            try await redis.xrange(Self.stream, count: limit)
        }
        return .json(entries.map(SentMessage.init))
    }
}

/// One message as the API shows it: `{"to","msg","key","sent_at"}`, with `correlation_id` and `causation_id` when the
/// sender gave them.
struct SentMessage: Encodable {
    var to: String
    var msg: String
    var key: String
    /// As msg-service recorded it: a number when it is one (Unix time), text otherwise.
    var sentAt: String
    var correlationID: String?
    var causationID: String?
    /// The stream entry id (not in `/messages`; the causation tree names a message by it).
    var entryID: String

    init(_ entry: StreamEntry) {
        to = entry.string("to") ?? ""
        msg = entry.string("msg") ?? ""
        key = entry.string("key") ?? ""
        sentAt = entry.string("sent_at") ?? ""
        correlationID = entry.string("correlation_id")
        causationID = entry.string("causation_id")
        entryID = entry.id
    }

    enum CodingKeys: String, CodingKey {
        case to, msg, key
        case sentAt = "sent_at", correlationID = "correlation_id", causationID = "causation_id"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(to, forKey: .to)
        try container.encode(msg, forKey: .msg)
        try container.encode(key, forKey: .key)
        try container.encodeIfPresent(correlationID, forKey: .correlationID)
        try container.encodeIfPresent(causationID, forKey: .causationID)
        if let number = Int(sentAt) {
            try container.encode(number, forKey: .sentAt)
        } else if let number = Double(sentAt) {
            try container.encode(number, forKey: .sentAt)
        } else {
            try container.encode(sentAt, forKey: .sentAt)
        }
    }
}
