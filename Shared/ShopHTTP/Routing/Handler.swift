// ShopHTTP/Routing: the router, its path patterns with {name} parameters, and percent-decoding of paths and queries.

/// A route's handler: one request in, one response out; a thrown `HTTPError` becomes its JSON error.
///
/// Handlers start on the connection's event loop and must never block it.
public typealias Handler = @Sendable (Request) async throws -> Response
