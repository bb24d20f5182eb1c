import NIOHTTP1
import ShopTracing
import Tracing

/// The spans of HTTP: a server span around every request (continuing the caller's trace from its headers) and a
/// client span around every call (its context injected into the request's headers). Without a recording tracer
/// both are skipped, so they cost one check.
enum RequestTracing {
    /// Runs `handler` for `request` in a server span named after the route; the request's correlation id becomes
    /// the span's trace id when a tracer records (it is the caller's trace id either way when a `traceparent` came).
    static func serve(_ request: Request, route: String, _ handler: @Sendable (Request) async -> Response) async -> Response {
        guard TraceParent.isTracing else { return await handler(request) }
        var context = ServiceContext.topLevel
        InstrumentationSystem.tracer.extract(request.headers, into: &context, using: HTTPHeadersExtractor())
        return await withSpan("\(request.method.rawValue) \(route)", context: context, ofKind: .server) { span in
            span.attributes["http.request.method"] = request.method.rawValue
            span.attributes["http.route"] = route
            span.attributes["http.request.id"] = request.requestID
            var traced = request
            if let own = TraceParent.of(span.context) { traced.correlationID = own.traceID }
            let response = await handler(traced)
            span.attributes["http.response.status_code"] = Int(response.status.code)
            if response.status.code >= 500 { span.setStatus(SpanStatus(code: .error)) }
            return response
        }
    }

    /// Runs a call in a client span whose context goes out in `headers`.
    static func call<T>(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders,
                        _ body: (HTTPHeaders) async throws -> T) async throws -> T {
        guard TraceParent.isTracing else { return try await body(headers) }
        let name = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        return try await withSpan("\(method.rawValue) \(name)", ofKind: .client) { span in
            span.attributes["http.request.method"] = method.rawValue
            var headers = headers
            InstrumentationSystem.tracer.inject(span.context, into: &headers, using: HTTPHeadersInjector())
            return try await body(headers)
        }
    }
}
