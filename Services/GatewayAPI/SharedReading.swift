import Foundation
import ShopEventStore
import ShopHTTP
import Synchronization

/// An answer shared by every client that asks the same question and accepts an answer up to a second old, with an
/// `ETag` from its content (`304 Not Modified` when the client holds it). Open consoles poll the same panels every
/// two seconds and say `Cache-Control: max-age=1` (RFC 9111 §5.2.1.1: a response at most that old will do): twenty
/// of them then cost Redis and the gateway about what one does. A request without it gets a fresh reading (which
/// the others may then share), so a client that checks what it just did is never answered from the past.
/// `invalidate()` drops every reading after a change made through this gateway.
final class SharedReading: Sendable {
    struct Reading: Sendable {
        var at: ContinuousClock.Instant
        var body: ByteBuffer
        var etag: String
    }

    let maxAge: Duration
    /// The most questions (query strings) remembered at once; past that, an answer is read for its caller alone.
    let capacity: Int
    /// The readings, and how many times they were invalidated (a reading begun before the last invalidation is
    /// not kept: it may predate the change).
    private let state = Mutex<(readings: [String: Reading], generation: Int)>(([:], 0))

    init(maxAge: Duration = .seconds(1), capacity: Int = 32) {
        self.maxAge = maxAge
        self.capacity = capacity
    }

    /// The answer to `key` (what was asked: the path and the query that shape the answer), from the shared reading
    /// when it is no older than the request accepts (`Cache-Control: max-age`, at most `maxAge`), read with `read`
    /// otherwise; with an `Age` header when it was shared.
    func answer(_ request: Request, key: String, read: () async throws -> ByteBuffer) async throws -> Response {
        let now = ContinuousClock.now
        let reading = try await self.reading(key, acceptingAge: min(Self.acceptedAge(request), maxAge), now: now, read: read)
        var response = request.ifNoneMatch(reading.etag) ? Response.notModified(etag: reading.etag)
            : Response.json(bytes: reading.body).tagged(reading.etag)
        if reading.at < now { response.headers.add(name: "age", value: "\((now - reading.at).components.seconds)") }
        return response
    }

    /// The same for an answer that is a value to encode as JSON.
    func answer<Value: Encodable>(_ request: Request, key: String, encoding value: () async throws -> Value) async throws -> Response {
        try await answer(request, key: key, read: { ByteBuffer(bytes: try JSONEncoder().encode(try await value())) })
    }

    func reading(_ key: String, acceptingAge age: Duration, now: ContinuousClock.Instant,
                 read: () async throws -> ByteBuffer) async throws -> Reading {
        let (held, generation) = state.withLock { ($0.readings[key], $0.generation) }
        if let held, now - held.at <= age { return held }
        let body = try await read()
        let reading = Reading(at: now, body: body, etag: Self.etag(of: body))
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.readings.count >= capacity { state.readings = state.readings.filter { now - $0.value.at < maxAge } }
            if state.readings.count < capacity || state.readings[key] != nil { state.readings[key] = reading }
        }
        return reading
    }

    func invalidate() {
        state.withLock { state in
            state.readings.removeAll()
            state.generation += 1
        }
    }

    /// The age `Cache-Control: max-age=<seconds>` accepts; zero when the request has none.
    static func acceptedAge(_ request: Request) -> Duration {
        for value in request.headers["cache-control"] {
            for directive in value.split(separator: ",") {
                let parts = directive.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2, parts[0].lowercased() == "max-age", let seconds = Int(parts[1]), seconds >= 0 {
                    return .seconds(min(seconds, 86_400))
                }
            }
        }
        return .zero
    }

    /// A short digest of `text` (FNV-1a), to fold what was asked into an entity tag.
    static func digest(of text: String) -> String {
        String(DocumentList.fnv1a(text.utf8), radix: 36)
    }

    /// A strong tag of the body's bytes (FNV-1a, 64 bits) and length.
    static func etag(of body: ByteBuffer) -> String {
        let digest = body.withUnsafeReadableBytes { DocumentList.fnv1a($0) }
        return "\"c-\(String(body.readableBytes, radix: 36))-\(String(digest, radix: 36))\""
    }
}
