import Foundation
import ShopArchive
import ShopDomain
import ShopEventStore
import ShopHTTP
import ShopTestSupport
import Testing

@Suite("archive-service, the real executable")
struct ArchiveServiceTests {
    @Test("killed with -9 in the middle of archiving: after a restart nothing is lost and nothing is archived twice")
    func killedMidBatch() async throws {
        try await ArchiveHarness.run { harness in
            let environment = ["REDIS_URL": harness.redisURL, "DATABASE_URL": harness.databaseURL,
                               "EVENT_RETENTION_SECONDS": "3600", "LOG_LEVEL": "warning"]
            try await withServiceStack(["archive-service"], environment: environment) { stack in
                var appended = try await harness.appendLoad(customers: 100, tag: "a")
                // Kill while the archive is still catching up with a stream that keeps growing.
                async let more = harness.appendLoad(customers: 300, tag: "b")
                let first = appended.count
                #expect(try await eventually { try await harness.archive.count() >= first / 2 })
                await stack.kill("archive-service")
                let killedAt = try await harness.archive.count()
                appended += try await more
                #expect(killedAt < appended.count, "the kill came after the work was done; the test proved nothing")

                try await stack.start("archive-service")
                let total = appended.count
                #expect(try await eventually(timeout: .seconds(120)) { try await harness.archive.count() >= total })
                let archived = try await harness.archivedIDs()
                #expect(archived.rows == total)
                #expect(archived.ids == Set(appended.map(\.eventID)))
                for stream in EventStreamID.all(of: [.customer]) {
                    #expect(try await eventually { try await harness.redis.xpending(stream.key, group: "archive").count == 0 })
                }
            }
        }
    }

    @Test("/ready answers 503 naming PostgreSQL when it is down, 200 again when it is back; /events serves the archive")
    func readinessFollowsPostgres() async throws {
        let server = try await PostgresTestServer.start()
        do {
            try await ArchiveHarness.run(postgresServer: server) { harness in
                let environment = ["REDIS_URL": harness.redisURL, "DATABASE_URL": harness.databaseURL, "LOG_LEVEL": "warning"]
                try await withServiceStack(["archive-service"], environment: environment) { stack in
                    let events = try await harness.appendLoad(customers: 5)
                    let url = stack.url(of: "archive-service")
                    #expect(try await eventually {
                        let (body, _) = try await Self.get(url, "/events?topic=customer&limit=10000")
                        let page = try JSONSerialization.jsonObject(with: body) as? [String: Any]
                        return (page?["events"] as? [Any])?.count == events.count
                    })
                    try await server.stopServer()
                    #expect(try await eventually {
                        let (body, status) = try await Self.get(url, "/ready")
                        return status == 503 && String(decoding: body, as: UTF8.self).contains("postgres")
                    })
                    try await server.startServer()
                    #expect(try await eventually { try await Self.get(url, "/ready").1 == 200 })
                }
            }
        } catch {
            try? await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test("POST /restore: 401 without the admin token or with another, 409 while Redis holds data; after FLUSHALL it restores")
    func restoreOverHTTP() async throws {
        try await ArchiveHarness.run { harness in
            let environment = ["REDIS_URL": harness.redisURL, "DATABASE_URL": harness.databaseURL, "ADMIN_TOKEN": "s3cret",
                               "LOG_LEVEL": "warning"]
            try await withServiceStack(["archive-service"], environment: environment) { stack in
                let appended = try await harness.appendLoad(customers: 20)
                let total = appended.count
                let live = Set(appended.filter { $0.action == .created }.map(\.aggregateID))
                    .subtracting(appended.filter { $0.action == .deleted }.map(\.aggregateID))
                #expect(try await eventually { try await harness.archive.count() >= total })
                let url = stack.url(of: "archive-service")
                #expect(try await Self.post(url, "/restore", token: nil).1 == 401)
                #expect(try await Self.post(url, "/restore", token: "guess").1 == 401)
                let (refusal, refused) = try await Self.post(url, "/restore", token: "s3cret")
                #expect(refused == 409, "\(String(decoding: refusal, as: UTF8.self))")
                #expect(Set(try await harness.store.findAll(Customer.self).map(\.id)) == live, "a refused restore changes nothing")

                _ = try await harness.redis.send("FLUSHALL")
                let (body, status) = try await Self.post(url, "/restore", token: "s3cret")
                #expect(status == 200, "\(String(decoding: body, as: UTF8.self))")
                let answer = try JSONSerialization.jsonObject(with: body) as? [String: Any]
                let customer = (answer?["topics"] as? [[String: Any]])?.first { $0["topic"] as? String == "customer" }
                #expect(customer?["events"] as? Int == total)
                #expect(customer?["entities"] as? Int == live.count)
                #expect(answer?["events"] as? Int == total)
                #expect(Set(try await harness.store.findAll(Customer.self).map(\.id)) == live)
            }
        }
    }

    static func post(_ baseURL: String, _ path: String, token: String?) async throws -> (Data, Int) {
        let client = try HTTPClient(baseURL: baseURL, logger: ArchiveHarness.logger)
        do {
            let headers = token.map { HTTPHeaders([("authorization", "Bearer \($0)")]) } ?? [:]
            let response = try await client.execute(.POST, path, headers: headers)
            await client.shutdown()
            return (Data(response.body.readableBytesView), Int(response.status.code))
        } catch {
            await client.shutdown()
            throw error
        }
    }

    static func get(_ baseURL: String, _ path: String) async throws -> (Data, Int) {
        let client = try HTTPClient(baseURL: baseURL, logger: ArchiveHarness.logger)
        do {
            let response = try await client.execute(.GET, path)
            await client.shutdown()
            return (Data(response.body.readableBytesView), Int(response.status.code))
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
