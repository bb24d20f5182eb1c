import ShopHTTP

extension HTTPClient {
    /// Sends `request` on to this upstream at `path` (method, query, body, `Content-Type`, `X-Request-Id`, and the
    /// trace context: `traceparent` with the request's correlation id as trace id, `tracestate`) and answers with the
    /// upstream's status and body. A down upstream is a 503, a broken answer a 502, none in time a 504.
    public func forward(_ request: Request, to path: String, upstream: String) async throws(HTTPError) -> Response {
        var headers = HTTPHeaders()
        headers.add(name: "x-request-id", value: request.requestID)
        let trace = request.traceParent ?? TraceParent(traceID: request.correlationID, parentID: TraceParent.makeSpanID(), flags: 1)
        headers.add(name: "traceparent", value: trace.child(spanID: TraceParent.makeSpanID()).description)
        if request.traceParent != nil, let state = request.headers.first(name: "tracestate") { headers.add(name: "tracestate", value: state) }
        if let contentType = request.headers.first(name: "content-type") { headers.add(name: "content-type", value: contentType) }
        let target = path + Self.queryString(request.query)
        let answer: ClientResponse
        do {
            answer = try await execute(request.method, target, headers: headers,
                                       body: request.body.readableBytes > 0 ? request.body : nil)
        } catch let error as HTTPClientError {
            request.logger.warning("upstream call failed", metadata: ["http.upstream": "\(upstream)", "error.message": "\(error)"])
            throw Self.publicError(error, upstream: upstream)
        } catch {
            request.logger.error("upstream call failed", metadata: ["http.upstream": "\(upstream)", "error.message": "\(error)"])
            throw HTTPError(.badGateway, "\(upstream) failed")
        }
        var response = Response(status: answer.status, body: answer.body)
        if let contentType = answer.headers.first(name: "content-type") { response.headers.add(name: "content-type", value: contentType) }
        return response
    }

    /// The status a gateway answers when a call to `upstream` failed: 503 down, 504 timeout, 502 anything broken.
    static func publicError(_ error: HTTPClientError, upstream: String) -> HTTPError {
        switch error.code {
        case .upstreamUnavailable, .shutdown:
            return HTTPError(.serviceUnavailable, "\(upstream) is unavailable, try again later")
        case .timeout:
            return HTTPError(.gatewayTimeout, "\(upstream) did not answer in time")
        default:
            return HTTPError(.badGateway, "\(upstream) gave a broken answer")
        }
    }

    /// `?name=value&…` with names and values percent-encoded again (sorted, so a request forwards the same way each time).
    public static func queryString(_ query: [String: String]) -> String {
        guard !query.isEmpty else { return "" }
        return "?" + query.sorted { $0.key < $1.key }.map { "\(percentEncode($0.key))=\(percentEncode($0.value))" }
            .joined(separator: "&")
    }

    private static func percentEncode(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                encoded += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return encoded
    }
}
