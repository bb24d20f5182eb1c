import ArgumentParser
import Logging
import NIOPosix
import ServiceLifecycle
import ShopHTTP

/// `hello-server`: serves `GET /hello` with ShopHTTP, the route `make bench-http` compares with Hummingbird.
struct HelloServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hello-server",
        abstract: "Serve GET /hello → {\"message\":\"Hello, World!\"} with ShopHTTP (the HTTP benchmark's server)."
    )

    @Option(help: "Port to listen on.")
    var port: Int = 8080

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Event loop threads.")
    var threads: Int = 1

    /// The benchmark's body, encoded per request as a real handler would.
    struct Greeting: Encodable {
        let message: String
    }

    func validate() throws {
        guard (1...65535).contains(self.port) else { throw ValidationError("--port must be 1...65535") }
        guard self.threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() async throws {
        var logger = Logger(label: "hello-server")
        logger.logLevel = .info
        var router = Router()
        router.get("/hello") { _ in .json(Greeting(message: "Hello, World!")) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: self.threads)
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(host: self.host, port: self.port), router: router,
            eventLoopGroup: group, logger: logger
        )
        let services = ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await services.run()
        try await group.shutdownGracefully()
    }
}
