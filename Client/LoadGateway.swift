import ShopHTTP
import ShopLoad

/// The gateway as the load generator sees it: requests that always come back with an answer or a failure.
struct LoadGateway: Sendable {
    /// One request's result: a status (nil when no answer came) and the body.
    struct Answer: Sendable {
        var status: Int?
        var body: ByteBuffer
        /// Why no answer came, when `status` is nil.
        var failure: String?
        /// The answer's `ETag`, if it had one.
        var etag: String? = nil

        var bytes: [UInt8] { Array(body.readableBytesView) }
        var text: String { String(buffer: body) }
    }

    let client: HTTPClient

    /// Sends a request with an optional JSON body (and `If-None-Match` when `ifNoneMatch` is given); transport
    /// failures become an answer without status.
    func send(_ method: HTTPMethod, _ path: String, json: String? = nil, ifNoneMatch: String? = nil) async -> Answer {
        do {
            let headers = ifNoneMatch.map { HTTPHeaders([("if-none-match", $0)]) } ?? [:]
            let response = try await client.execute(method, path, headers: headers, body: json.map { ByteBuffer(string: $0) })
            return Answer(status: Int(response.status.code), body: response.body, failure: nil,
                          etag: response.headers.first(name: "etag"))
        } catch {
            return Answer(status: nil, body: ByteBuffer(), failure: "\(error)")
        }
    }

    /// Sends a request the set-up or the checks depend on: a non-2xx answer or none throws `setupFailed`.
    func require(_ method: HTTPMethod, _ path: String, json: String? = nil) async throws(LoadError) -> [UInt8] {
        try Self.body(of: await send(method, path, json: json), method, path)
    }

    /// `GET path` as `require` sends it, or nil when the gateway answers 404 (a route it does not have).
    func getUnlessMissing(_ path: String) async throws(LoadError) -> [UInt8]? {
        let answer = await send(.GET, path)
        return answer.status == 404 ? nil : try Self.body(of: answer, .GET, path)
    }

    /// The body of a 2xx answer; no answer or another status throws `setupFailed`.
    private static func body(of answer: Answer, _ method: HTTPMethod, _ path: String) throws(LoadError) -> [UInt8] {
        guard let status = answer.status else {
            throw LoadError(.setupFailed, "\(method) \(path): no answer from the gateway (\(answer.failure ?? "unknown"))")
        }
        guard (200..<300).contains(status) else {
            throw LoadError(.setupFailed, "\(method) \(path) answered \(status): \(answer.text.prefix(200))")
        }
        return answer.bytes
    }
}
