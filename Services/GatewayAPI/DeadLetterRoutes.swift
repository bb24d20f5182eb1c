import ShopAPI
import ShopDomain
import ShopEventStore
import ShopHTTP
import ShopJSON
import ShopService

/// The dead letters of every consumer group: list them (reading needs no token), hand them back to their group
/// (one, or all of a topic and group) and delete one; the last two need the admin token. The list has an `ETag`,
/// and one reading serves every client that accepts one up to a second old (the consoles: `SharedReading`), read
/// again after a change made here.
///
/// - `GET /deadletters?topic=&group=&limit=`: `{"dead_letters":[…],"counts":{"<group>":n}}`, oldest first per topic.
/// - `POST /deadletters/replay?topic=&group=`: every matching one; `{"replayed":n,"unreplayable":[ids]}`.
/// - `POST /deadletters/{topic}/{id}/replay`: one; 404 when there is no such dead letter.
/// - `DELETE /deadletters/{topic}/{id}`: one; `true`, 404 when there is none.
struct DeadLetterRoutes: Sendable {
    let store: EventStore
    let admin: AdminAuthorization
    let reading = SharedReading()

    static let defaultLimit = 1000
    static let maxLimit = 10_000

    func register(_ router: inout Router) {
        router.get("/deadletters") { request in try await list(request) }
        router.post("/deadletters/replay") { request in try await replayAll(request) }
        router.post("/deadletters/{topic}/{id}/replay") { request in try await replayOne(request) }
        router.delete("/deadletters/{topic}/{id}") { request in try await deleteOne(request) }
    }

    func list(_ request: Request) async throws -> Response {
        let topics = try Self.topics(request)
        let group = try Self.group(request)
        let limit = try request.integerQuery("limit", default: Self.defaultLimit, in: 1...Self.maxLimit)
        let key = "\(topics.map(\.rawValue))|\(limit)|\(group ?? "")"
        return try await reading.answer(request, key: key) {
            let letters = try await StoreFailure.translating(topic: topics[0]) {
                try await store.deadLetters(topics: topics, group: group, limit: limit)
            }
            return Self.json(letters)
        }
    }

    /// `{"dead_letters":[…],"counts":{"<group>":n}}`.
    static func json(_ letters: [DeadLetter]) -> ByteBuffer {
        var counts: [String: Int] = [:]
        for letter in letters { counts[letter.group, default: 0] += 1 }
        var body = ByteBuffer(staticString: #"{"dead_letters":["#)
        for (index, letter) in letters.enumerated() {
            if index > 0 { body.writeStaticString(",") }
            EventJSON.write(letter, into: &body)
        }
        body.writeStaticString(#"],"counts":{"#)
        for (index, (name, count)) in counts.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { body.writeStaticString(",") }
            JSONWriter.string(name, into: &body)
            body.writeString(":\(count)")
        }
        body.writeStaticString("}}")
        return body
    }

    func replayAll(_ request: Request) async throws -> Response {
        try admin.check(request)
        let topics = try Self.topics(request)
        let group = try Self.group(request)
        defer { reading.invalidate() }
        let result = try await StoreFailure.translating(topic: topics[0]) {
            try await store.replay(try await store.deadLetters(topics: topics, group: group, limit: Self.maxLimit))
        }
        return Self.json(result)
    }

    func replayOne(_ request: Request) async throws -> Response {
        try admin.check(request)
        let (topic, id) = try Self.topicAndID(request)
        defer { reading.invalidate() }
        let result = try await StoreFailure.translating(topic: topic) { () async throws -> DeadLetterReplay? in
            guard let letter = try await store.deadLetter(topic: topic, id: id) else { return nil }
            return try await store.replay([letter])
        }
        guard let result else { throw HTTPError(.notFound, "no dead letter \(id) of \(topic.rawValue)") }
        if !result.unreplayable.isEmpty {
            throw HTTPError(.conflict, "dead letter \(id): its entry is no longer in its stream, or its group is gone; delete it instead")
        }
        return Self.json(result)
    }

    func deleteOne(_ request: Request) async throws -> Response {
        try admin.check(request)
        let (topic, id) = try Self.topicAndID(request)
        defer { reading.invalidate() }
        let deleted = try await StoreFailure.translating(topic: topic) { try await store.deleteDeadLetter(topic: topic, id: id) }
        guard deleted else { throw HTTPError(.notFound, "no dead letter \(id) of \(topic.rawValue)") }
        return .json(bytes: ByteBuffer(staticString: "true"))
    }

    static func json(_ result: DeadLetterReplay) -> Response {
        var body = ByteBuffer(string: #"{"replayed":\#(result.replayed),"unreplayable":["#)
        for (index, id) in result.unreplayable.enumerated() {
            if index > 0 { body.writeStaticString(",") }
            JSONWriter.string(id, into: &body)
        }
        body.writeStaticString("]}")
        return .json(bytes: body)
    }

    /// `?topic=` as one topic, or every topic when absent; an unknown name is a 400.
    static func topics(_ request: Request) throws(HTTPError) -> [Topic] {
        guard let name = request.query["topic"] else { return Topic.allCases }
        return [try topic(named: name)]
    }

    static func topic(named name: String) throws(HTTPError) -> Topic {
        guard let topic = Topic(rawValue: name) else {
            let names = Topic.allCases.map(\.rawValue).joined(separator: ", ")
            throw HTTPError(.badRequest, "topic must be one of \(names), got \(String(name.prefix(40)).debugDescription)")
        }
        return topic
    }

    /// `?group=`: a consumer group's name (a service's executable name), or nil.
    static func group(_ request: Request) throws(HTTPError) -> String? {
        guard let group = request.query["group"] else { return nil }
        guard !group.isEmpty, group.count <= 100, group.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw HTTPError(.badRequest, "group must be a consumer group's name (1 to 100 printable characters)")
        }
        return group
    }

    static func topicAndID(_ request: Request) throws(HTTPError) -> (Topic, String) {
        let topic = try topic(named: request.parameters["topic"] ?? "")
        let id = request.parameters["id"] ?? ""
        guard EntryID(id) != nil else {
            throw HTTPError(.badRequest, "id must be a dead letter's stream entry id (<ms>-<seq>), got \(String(id.prefix(40)).debugDescription)")
        }
        return (topic, id)
    }
}
