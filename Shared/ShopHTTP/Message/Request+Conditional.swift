// ShopHTTP/Message: what a handler reads and answers: request, response, HTTP errors, conditional GETs, JSON bodies.

import NIOHTTP1

/// Conditional GETs (RFC 9110 §13.1.2): an `ETag` on an answer, and `304 Not Modified` for a request whose
/// `If-None-Match` names it.
extension Request {
    /// Whether `If-None-Match` lists `etag` (weak comparison, as the RFC asks for this header) or is `*`.
    public func ifNoneMatch(_ etag: String) -> Bool {
        let wanted = HeaderValues.opaqueTag(etag[...])
        for value in self.headers["if-none-match"] {
            for candidate in value.split(separator: ",") {
                let tag = HeaderValues.trimmed(candidate)
                if tag == "*" || HeaderValues.opaqueTag(tag) == wanted { return true }
            }
        }
        return false
    }
}

extension Response {
    /// `304 Not Modified` for `etag`: no body.
    public static func notModified(etag: String) -> Response {
        Response(status: .notModified, headers: HTTPHeaders([("etag", etag)]), bodyParts: [])
    }

    /// This response with an `ETag` header.
    public func tagged(_ etag: String) -> Response {
        var response = self
        response.headers.replaceOrAdd(name: "etag", value: etag)
        return response
    }
}

/// Small helpers for header values.
enum HeaderValues {
    /// The tag without a weakness prefix (`W/"x"` and `"x"` compare equal under weak comparison).
    static func opaqueTag(_ tag: Substring) -> Substring {
        tag.hasPrefix("W/") ? tag.dropFirst(2) : tag
    }

    /// `text` without leading and trailing spaces and tabs (header list elements).
    static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }
}
