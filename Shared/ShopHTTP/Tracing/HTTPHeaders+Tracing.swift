import NIOHTTP1
import ShopTracing
import Tracing

/// Reads trace context (`traceparent`, `tracestate`, or whatever the bootstrapped tracer propagates) from HTTP headers.
public struct HTTPHeadersExtractor: Extractor {
    public init() {}

    public func extract(key: String, from carrier: HTTPHeaders) -> String? {
        carrier.first(name: key)
    }
}

/// Writes trace context into HTTP headers, replacing a value the caller set (the forwarded `traceparent`).
public struct HTTPHeadersInjector: Injector {
    public init() {}

    public func inject(_ value: String, forKey key: String, into carrier: inout HTTPHeaders) {
        carrier.replaceOrAdd(name: key, value: value)
    }
}
