import ArgumentParser
import Foundation
import Logging
import NIOPosix
import ShopDomain
import ShopHTTP

/// `ordershop-client restore`: after Redis lost its data, has archive-service rebuild it from the PostgreSQL archive
/// (`POST /restore` on `ARCHIVE_SERVICE_URL`, with `Authorization: Bearer $ADMIN_TOKEN`).
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild Redis from the PostgreSQL archive after Redis lost its data (archive-service does it: ARCHIVE_SERVICE_URL, ADMIN_TOKEN).",
        discussion: """
            Restores every topic's projection, versions and unique index, the append clock and the streams' last ids
            (new events continue after the archived ones) and the stock reservations of live orders. Refuses to run
            while Redis still holds any topic's data. Restart the services that follow events afterwards.
            """)

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let url: String
        do {
            url = try ServiceName.urls(environment: environment)[.archive] ?? ServiceName.archive.defaultURL
        } catch {
            throw ValidationError(error.description)
        }
        var logger = Logger(label: "ordershop-client")
        logger.logLevel = .warning
        var configuration = HTTPClientConfiguration()
        configuration.requestTimeout = .seconds(3600)  // a large archive takes a while; archive-service answers when done
        let client = try HTTPClient(baseURL: url, configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                    logger: logger)
        let headers = environment["ADMIN_TOKEN"].map { HTTPHeaders([("authorization", "Bearer \($0)")]) } ?? [:]
        let response: ClientResponse
        do {
            response = try await client.execute(.POST, "/restore", headers: headers)
        } catch {
            await client.shutdown()
            throw RestoreFailure("restore: archive-service at \(url) did not answer: \(error)")
        }
        await client.shutdown()
        guard response.status == .ok else {
            throw RestoreFailure("restore: archive-service answered \(response.status.code): \(String(buffer: response.body))")
        }
        // The answer of archive-service's RestoreRoutes: {"topics": [{topic, events, entities, last_entry_id}], "events"}.
        let restored = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
        for report in restored["topics"] as? [[String: Any]] ?? [] {
            let topic = (report["topic"] as? String ?? "?").padding(toLength: 10, withPad: " ", startingAt: 0)
            print("\(topic) \(report["events"] as? Int ?? 0) events, \(report["entities"] as? Int ?? 0) live, "
                  + "ids continue after \(report["last_entry_id"] as? String ?? "-")")
        }
        print("restore: done (\(restored["events"] as? Int ?? 0) events)")
    }
}

/// Why the restore did not happen, printed as it is (exit status 1).
struct RestoreFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
