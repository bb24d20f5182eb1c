import Foundation
import Logging
import NIOCore
import NIOPosix
import ShopHTTP

/// The gateway as the scenario sees it: JSON requests whose answers must have a 2xx status and the expected
/// shape; anything else is a `ScenarioFailure` naming the request and quoting the answer.
struct ScenarioGateway: Sendable {
    let client: HTTPClient

    /// A client of the gateway at `baseURL` (`http://host:port`).
    init(baseURL: String) throws {
        var configuration = HTTPClientConfiguration()
        configuration.connectTimeout = .seconds(3)
        configuration.requestTimeout = .seconds(30)
        var logger = Logger(label: "ordershop-client")
        logger.logLevel = .warning
        do {
            client = try HTTPClient(baseURL: baseURL, configuration: configuration,
                                    eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
        } catch {
            throw ScenarioFailure("--gateway \(baseURL): \(error)")
        }
    }

    /// GET `path`, decoded as `T` (an optional `T` decodes `null`).
    func get<T: Decodable>(_ path: String, as type: T.Type) async throws -> T {
        try decode(type, try await send(.GET, path), "GET \(path)")
    }

    /// POST `body` to `path`; the answer decoded as `T`.
    func post<T: Decodable>(_ path: String, _ body: some Encodable, as type: T.Type) async throws -> T {
        try decode(type, try await send(.POST, path, body: body), "POST \(path)")
    }

    /// PUT `body` to `path`, which must answer `true`.
    func put(_ path: String, _ body: some Encodable) async throws {
        guard try decode(Bool.self, try await send(.PUT, path, body: body), "PUT \(path)") else {
            throw ScenarioFailure("PUT \(path) answered false, expected true")
        }
    }

    /// DELETE `path`, which must answer `true`.
    func delete(_ path: String) async throws {
        guard try decode(Bool.self, try await send(.DELETE, path), "DELETE \(path)") else {
            throw ScenarioFailure("DELETE \(path) answered false, expected true")
        }
    }

    /// GET `path`, the body as sent (for printing).
    func raw(_ path: String) async throws -> ByteBuffer {
        try await send(.GET, path)
    }

    func shutdown() async {
        await client.shutdown()
    }

    private func send(_ method: HTTPMethod, _ path: String, body: (some Encodable)? = Optional<Int>.none) async throws -> ByteBuffer {
        var bytes: ByteBuffer?
        if let body { bytes = ByteBuffer(bytes: try JSONEncoder().encode(body)) }
        let response: ClientResponse
        do {
            response = try await client.execute(method, path, body: bytes)
        } catch {
            throw ScenarioFailure("\(method) \(path) failed: \(error)")
        }
        guard (200..<300).contains(response.status.code) else {
            throw ScenarioFailure("\(method) \(path) answered \(response.status.code): \(Self.excerpt(response.body))")
        }
        return response.body
    }

    private func decode<T: Decodable>(_ type: T.Type, _ body: ByteBuffer, _ request: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(body.readableBytesView))
        } catch {
            throw ScenarioFailure("\(request) answered \(Self.excerpt(body)), expected \(T.self)")
        }
    }

    private static func excerpt(_ body: ByteBuffer) -> String {
        let text = String(buffer: body)
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }
}

/// The first mismatch of the scenario: what was asked and what came back.
struct ScenarioFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
