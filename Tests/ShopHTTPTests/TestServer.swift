import Logging
import NIOCore
import NIOPosix
import ShopHTTP
import Synchronization
import Testing

/// A logger for servers under test: warnings and errors only, so failures stay readable.
func testLogger(_ label: String = "shop-http-test") -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = .warning
    return logger
}

/// Runs `body` against a live server on a kernel-chosen port, then stops the server.
func withServer<T: Sendable>(
    _ configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
    onRequestCompleted: (@Sendable (RequestRecord) -> Void)? = nil,
    routes: (inout Router) -> Void,
    _ body: @Sendable (HTTPServer, Int) async throws -> T
) async throws -> T {
    var router = Router()
    routes(&router)
    let server = HTTPServer(configuration: configuration, router: router, logger: testLogger(), onRequestCompleted: onRequestCompleted)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        defer { group.cancelAll() }
        let port = try await server.localPort()
        return try await body(server, port)
    }
}

/// Polls `condition` until it holds, failing the test after `timeout` (generous for a loaded machine).
func eventually(
    timeout: Duration = .seconds(30), _ what: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
    throw CancellationError()
}

/// A one-shot latch a handler can wait on, opened by the test.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, entered: Int)>((false, 0))

    var entered: Int { self.state.withLock { $0.entered } }

    func open() { self.state.withLock { $0.open = true } }

    /// Waits until the gate opens (polling; the test opens it within seconds).
    func pass() async throws {
        self.state.withLock { $0.entered += 1 }
        while !self.state.withLock({ $0.open }) {
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
