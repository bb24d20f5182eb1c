import ArgumentParser
import Foundation
import Logging
import NIOPosix
import ShopDomain
import ShopHTTP

/// `ordershop-client ready`: waits until every service (or the ones named) answers `GET /ready` with 200.
struct Ready: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Wait until the services answer /ready (URLs from <NAME>_URL, default http://127.0.0.1:5000-5008).")

    @Option(help: "Seconds to wait before giving up.")
    var timeout: Int = 60

    @Option(name: .customLong("service"), help: "Only this service (repeatable), e.g. --service crm-service.")
    var services: [String] = []

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds") }
        for name in services where ServiceName(executable: name) == nil {
            let known = ServiceName.allCases.map(\.executable).joined(separator: ", ")
            throw ValidationError("unknown service '\(name)' (one of: \(known))")
        }
    }

    func run() async throws {
        let urls: [ServiceName: String]
        do {
            urls = try ServiceName.urls(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.description)
        }
        let targets = services.isEmpty ? ServiceName.allCases : services.compactMap(ServiceName.init(executable:))
        var quietLogger = Logger(label: "ordershop-client")
        quietLogger.logLevel = .warning  // refused connections while services start are expected, not news
        let logger = quietLogger
        let deadline = ContinuousClock.now + .seconds(timeout)

        let results = await withTaskGroup(of: (ServiceName, String?).self) { group in
            for service in targets {
                let url = urls[service] ?? service.defaultURL
                group.addTask { (service, await Self.waitUntilReady(url: url, deadline: deadline, logger: logger)) }
            }
            var results: [ServiceName: String?] = [:]
            for await (service, failure) in group { results[service] = failure }
            return results
        }

        var notReady = 0
        for service in targets {
            let url = urls[service] ?? service.defaultURL
            if let failure = results[service] ?? "no answer" {
                notReady += 1
                print("\(service.executable.padding(toLength: 18, withPad: " ", startingAt: 0)) NOT READY  \(url)  \(failure)")
            } else {
                print("\(service.executable.padding(toLength: 18, withPad: " ", startingAt: 0)) ready      \(url)")
            }
        }
        if notReady > 0 {
            print("\(notReady) of \(targets.count) services not ready after \(timeout) s")
            throw ExitCode.failure
        }
    }

    /// Polls `url`/ready until it answers 200 (nil) or the deadline passes (the last reason).
    private static func waitUntilReady(url: String, deadline: ContinuousClock.Instant, logger: Logger) async -> String? {
        var configuration = HTTPClientConfiguration()
        configuration.connectTimeout = .seconds(1)
        configuration.requestTimeout = .seconds(3)
        let client: HTTPClient
        do {
            client = try HTTPClient(
                baseURL: url, configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                logger: logger)
        } catch {
            return "\(error)"
        }
        var lastFailure = "no answer"
        while true {
            do {
                let response = try await client.execute(.GET, "/ready")
                if response.status == .ok {
                    await client.shutdown()
                    return nil
                }
                lastFailure = "\(response.status.code) \(String(buffer: response.body))"
            } catch {
                lastFailure = "\(error)"
            }
            guard ContinuousClock.now + .milliseconds(200) < deadline else { break }
            try? await Task.sleep(for: .milliseconds(200))
        }
        await client.shutdown()
        return lastFailure
    }
}
