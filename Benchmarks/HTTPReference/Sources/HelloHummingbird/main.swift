// hello-hummingbird --port N [--threads N]: GET /hello → {"message":"Hello, World!"}, the same route
// and JSON encoding (a Codable value through JSONEncoder per request) as `ordershop-bench hello-server`.
import Hummingbird
import Logging
import NIOPosix

/// The benchmark's body, encoded per request.
struct Greeting: ResponseEncodable {
    let message: String
}

/// The value after `--name` on the command line, or `fallback`; a bad value stops with a message.
func option(_ name: String, default fallback: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: "--\(name)") else { return fallback }
    guard index + 1 < arguments.count, let value = Int(arguments[index + 1]), value > 0 else {
        print("usage: hello-hummingbird [--port N] [--threads N]")
        exit(2)
    }
    return value
}

let port = option("port", default: 8081)
let threads = option("threads", default: 1)

let router = Router()
router.get("/hello") { _, _ in Greeting(message: "Hello, World!") }

var logger = Logger(label: "hello-hummingbird")
logger.logLevel = .warning
let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil),
    eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup(numberOfThreads: threads)),
    logger: logger
)
try await app.runService()
