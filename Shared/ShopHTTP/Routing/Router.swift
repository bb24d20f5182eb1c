// ShopHTTP/Routing: the router, its path patterns with {name} parameters, and percent-decoding of paths and queries.

import NIOHTTP1

/// Maps method and path to a handler; patterns have literal segments and `{name}` parameters.
public struct Router: Sendable {
    /// Route patterns in registration order; the first that matches a path wins.
    private var routes: [Route] = []
    /// Patterns without parameters, by their normalised path, for a lookup without splitting.
    private var staticRoutes: [String: Int] = [:]

    public init() {}

    /// Registers `handler` for `method` on `path`, e.g. `/order/{id}`; a second registration replaces the first.
    public mutating func on(_ method: HTTPMethod, _ path: String, _ handler: @escaping Handler) {
        let pattern = RoutePattern(path)
        let index: Int
        if let existing = self.routes.firstIndex(where: { $0.pattern == pattern }) {
            index = existing
        } else {
            index = self.routes.count
            self.routes.append(Route(pattern: pattern))
            if pattern.isStatic { self.staticRoutes[pattern.normalisedPath] = index }
        }
        self.routes[index].handlers.removeAll { $0.method == method }
        self.routes[index].handlers.append((method, handler))
    }

    public mutating func get(_ path: String, _ handler: @escaping Handler) { self.on(.GET, path, handler) }
    public mutating func post(_ path: String, _ handler: @escaping Handler) { self.on(.POST, path, handler) }
    public mutating func put(_ path: String, _ handler: @escaping Handler) { self.on(.PUT, path, handler) }
    public mutating func delete(_ path: String, _ handler: @escaping Handler) { self.on(.DELETE, path, handler) }

    /// Every method and path pattern registered, in registration order, e.g. `(GET, "/order/{id}")`.
    public var registeredRoutes: [(method: HTTPMethod, path: String)] {
        self.routes.flatMap { route in route.handlers.map { (method: $0.method, path: route.pattern.text) } }
    }

    /// What a request resolves to.
    enum Resolution {
        case matched(Handler, route: String, parameters: [String: String])
        case methodNotAllowed(allowed: [HTTPMethod], route: String)
        case notFound
    }

    /// Finds the route for a percent-encoded path (without query).
    func resolve(_ method: HTTPMethod, path: String) -> Resolution {
        var parameters: [String: String] = [:]
        let route: Route
        if let index = self.staticRoutes[RoutePattern.normalise(path)] {
            route = self.routes[index]
        } else {
            let segments = RoutePattern.segments(of: path)
            guard let found = self.routes.first(where: { $0.pattern.match(segments, into: &parameters) }) else {
                return .notFound
            }
            route = found
        }
        guard let handler = route.handlers.first(where: { $0.method == method })?.handler else {
            return .methodNotAllowed(allowed: route.handlers.map(\.method), route: route.pattern.text)
        }
        return .matched(handler, route: route.pattern.text, parameters: parameters)
    }
}

/// One path pattern and its handlers by method.
private struct Route: Sendable {
    let pattern: RoutePattern
    var handlers: [(method: HTTPMethod, handler: Handler)] = []
}
