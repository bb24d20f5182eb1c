// ShopHTTP/Client: the keep-alive HTTP/1.1 client for service-to-service calls and its bounded connection pool.

import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A keep-alive HTTP/1.1 client for one upstream (service-to-service calls): one bounded connection pool per
/// instance of the upstream, the instances taking turns.
///
/// With several instances, a request goes to the next instance in turn; one that refuses the connection (a stopped
/// or killed process) is skipped at once, the request goes to the next, and the refusing instance is tried only
/// after the others for the next second. Only a refused or timed-out connection moves a request to another instance:
/// one that may have reached an instance (sent, no complete answer) is never sent to another, so a POST is never
/// applied twice.
public final class HTTPClient: Sendable {
    private let endpoints: [HTTPEndpoint]
    private let selection: Mutex<UpstreamSelection>
    private let logger: Logger

    /// `baseURL` is `http://host:port` (a trailing slash is ignored); anything else throws `.invalidURL`.
    public convenience init(
        baseURL: String, configuration: HTTPClientConfiguration = HTTPClientConfiguration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger
    ) throws {
        try self.init(baseURLs: [baseURL], configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
    }

    /// One upstream with several instances, each `http://host:port`; an empty list or a bad URL throws `.invalidURL`.
    public init(
        baseURLs: [String], configuration: HTTPClientConfiguration = HTTPClientConfiguration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger
    ) throws {
        guard !baseURLs.isEmpty else { throw HTTPClientError(.invalidURL, "an upstream needs at least one base URL") }
        self.endpoints = try baseURLs.map {
            try HTTPEndpoint(baseURL: $0, configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
        }
        self.selection = Mutex(UpstreamSelection(instances: baseURLs.count))
        self.logger = logger
    }

    /// The instances, as `host:port`, in the order given.
    public var instances: [String] { endpoints.map { "\($0.host):\($0.port)" } }

    /// Sends a request to an instance and returns the whole response; throws `HTTPClientError` (any status is a
    /// response). `.upstreamUnavailable` only when no instance accepted a connection.
    public func execute(
        _ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], body: ByteBuffer? = nil
    ) async throws -> ClientResponse {
        try await RequestTracing.call(method, path, headers: headers) { headers in
            try await send(method, path, headers: headers, body: body)
        }
    }

    private func send(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders, body: ByteBuffer?) async throws -> ClientResponse {
        if endpoints.count == 1 { return try await endpoints[0].execute(method, path, headers: headers, body: body) }
        let order = selection.withLock { $0.order(now: .now) }
        var refused: HTTPClientError?
        for index in order {
            do {
                let response = try await endpoints[index].execute(method, path, headers: headers, body: body)
                selection.withLock { $0.markUp(index) }
                return response
            } catch let error as HTTPClientError where error.code == .upstreamUnavailable {
                // Nothing was sent: the next instance may take it, whatever the method.
                selection.withLock { $0.markDown(index, now: .now) }
                logger.warning("instance unavailable, trying the next", metadata: [
                    "http.upstream": "\(endpoints[index].host):\(endpoints[index].port)", "error.message": "\(error.message)"])
                refused = error
            }
        }
        let instances = endpoints.map { "\($0.host):\($0.port)" }.joined(separator: ", ")
        throw HTTPClientError(.upstreamUnavailable, "no instance accepted a connection (\(instances)): \(refused?.message ?? "")")
    }

    /// Sends a request to one instance (`index` into `instances`), none other: to ask each instance in turn
    /// (the gateway's `/services`).
    public func execute(
        instance index: Int, _ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], body: ByteBuffer? = nil
    ) async throws -> ClientResponse {
        try await endpoints[index].execute(method, path, headers: headers, body: body)
    }

    /// Closes idle connections and fails waiting requests; connections in use close when their request ends.
    public func shutdown() async {
        for endpoint in endpoints { await endpoint.shutdown() }
    }
}
