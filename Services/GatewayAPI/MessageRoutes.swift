import ShopAPI
import ShopHTTP
import ShopJSON
import ShopRedis

/// The messages msg-service sent, from its capped `messages` stream:
/// - `GET /messages?limit=`: oldest first, a JSON array of `{"to","msg","key","sent_at"}`;
/// - `GET /messages/recent?to=&kind=&limit=`: newest first, those whose recipient contains `to` (any case) and whose
///   kind (the key's last part: `welcome`, `order-confirmation`, …) is `kind`, as `{"messages":[…],"total":n}`
///   (`total`: the messages the stream holds); the console's panel.
/// Both carry an `ETag` made from the stream's length and newest id, read first (two O(1) commands): a client
/// that holds the answer gets `304 Not Modified` without the messages being read.
struct MessageRoutes: Sendable {
    let redis: RedisClient

    /// The stream msg-service records its messages in.
    static let stream = "messages"
    /// msg-service's list of the entry ids of one correlation's messages (MessageRecorder.correlationKey).
    static func correlationKey(_ correlationID: String) -> String { "{messages}:correlation:\(correlationID)" }
    static let defaultLimit = 1000
    static let maxLimit = 10_000
    static let recentDefaultLimit = 100
    static let recentMaxLimit = 1000
    /// How many of the newest messages a search of `/messages/recent` looks through at most.
    static let searchDepth = 10_000
    static let recentParameters: Set<String> = ["to", "kind", "limit"]

    func register(_ router: inout Router) {
        router.get("/messages") { request in try await messages(request) }
        router.get("/messages/recent") { request in try await recent(request) }
    }

    func messages(_ request: Request) async throws -> Response {
        let limit = try request.integerQuery("limit", default: Self.defaultLimit, in: 1...Self.maxLimit)
        return try await StoreFailure.translating(topic: .customer) {
            let etag = try await version(asked: "all|\(limit)")
            if request.ifNoneMatch(etag) { return .notModified(etag: etag) }
            var body = ByteBuffer(staticString: "[")
            for (index, entry) in try await redis.xrange(Self.stream, count: limit).enumerated() {
                if index > 0 { body.writeStaticString(",") }
                SentMessage(entry).write(into: &body)
            }
            body.writeStaticString("]")
            return Response.json(bytes: body).tagged(etag)
        }
    }

    func recent(_ request: Request) async throws -> Response {
        if let unknown = request.query.keys.sorted().first(where: { !Self.recentParameters.contains($0) }) {
            throw HTTPError(.badRequest, "unknown parameter \(String(unknown.prefix(40)).debugDescription); known: "
                            + Self.recentParameters.sorted().joined(separator: ", "))
        }
        let limit = try request.integerQuery("limit", default: Self.recentDefaultLimit, in: 1...Self.recentMaxLimit)
        let to = request.query["to"]?.lowercased() ?? ""
        let kind = request.query["kind"] ?? ""
        guard to.utf8.count <= 200, kind.utf8.count <= 100 else {
            throw HTTPError(.badRequest, "to is at most 200 bytes and kind at most 100")
        }
        return try await StoreFailure.translating(topic: .customer) {
            let etag = try await version(asked: "recent|\(limit)|\(to)|\(kind)")
            if request.ifNoneMatch(etag) { return .notModified(etag: etag) }
            var chosen: [SentMessage] = []
            var end = "+"
            var searched = 0
            let chunk = to.isEmpty && kind.isEmpty ? limit : 500
            while chosen.count < limit, searched < Self.searchDepth {
                let entries = try await redis.xrevrange(Self.stream, end: end, count: chunk)
                searched += entries.count
                for message in entries.lazy.map(SentMessage.init) where message.matches(to: to, kind: kind) {
                    chosen.append(message)
                    if chosen.count == limit { break }
                }
                guard entries.count == chunk, let last = entries.last else { break }
                end = "(" + last.id
            }
            var body = ByteBuffer(staticString: #"{"messages":["#)
            for (index, message) in chosen.enumerated() {
                if index > 0 { body.writeStaticString(",") }
                message.write(into: &body)
            }
            body.writeString(#"],"total":\#(try await redis.xlen(Self.stream))}"#)
            return Response.json(bytes: body).tagged(etag)
        }
    }

    /// An entity tag for `asked` over the stream as it is now (one `XINFO STREAM`): its length and the last id
    /// it gave change with every message sent (and the length with every trim, which only a send does).
    func version(asked: String) async throws -> String {
        var length = 0
        var newest = "0-0"
        do {
            for pair in try await redis.send("XINFO", "STREAM", RESPArgument(Self.stream)).pairs ?? [] {
                switch pair.key.string {
                case "length": length = pair.value.int ?? 0
                case "last-generated-id": newest = pair.value.string ?? newest
                default: break
                }
            }
        } catch let error as RedisServerError where error.message.contains("no such key") {
            // No message sent yet.
        }
        return "\"m-\(String(length, radix: 36))-\(newest)-\(SharedReading.digest(of: asked))\""
    }
}

/// One message as the API shows it: `{"to","msg","key","sent_at"}`, with `correlation_id` and `causation_id` when the
/// sender gave them.
struct SentMessage {
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

    /// Whether the recipient contains `to` (lowercased; empty: any) and the kind is `kind` (empty: any).
    func matches(to wanted: String, kind: String) -> Bool {
        (kind.isEmpty || key.hasSuffix(":" + kind)) && (wanted.isEmpty || to.lowercased().contains(wanted))
    }

    func write(into body: inout ByteBuffer) {
        body.writeStaticString(#"{"to":"#)
        JSONWriter.string(to, into: &body)
        body.writeStaticString(#","msg":"#)
        JSONWriter.string(msg, into: &body)
        body.writeStaticString(#","key":"#)
        JSONWriter.string(key, into: &body)
        for (name, value) in [("correlation_id", correlationID), ("causation_id", causationID)] {
            guard let value else { continue }
            body.writeString(",\"\(name)\":")
            JSONWriter.string(value, into: &body)
        }
        body.writeStaticString(#","sent_at":"#)
        if let number = Int(sentAt) {
            body.writeString(String(number))
        } else if let number = Double(sentAt), number.isFinite {
            body.writeString("\(number)")
        } else {
            JSONWriter.string(sentAt, into: &body)
        }
        body.writeStaticString("}")
    }
}
