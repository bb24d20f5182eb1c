import Foundation
import Logging
import ShopPostgres
import ShopTestSupport
import Testing

@Suite("PostgresClient pool, thread pool and recovery")
struct PostgresPoolTests {
    @Test("many concurrent queries share a small pool: all answered, never more connections than the pool")
    func concurrentQueriesOnSmallPool() async throws {
        try await withTestClient(poolSize: 3) { client, _ in
            let results = try await withThrowingTaskGroup(of: (Int, Int, Int).self) { group in
                for index in 0..<300 {
                    group.addTask {
                        let row = try await client.query("SELECT $1::int * 2 AS doubled, pg_backend_pid() AS pid", [.int(Int64(index))])[0]
                        return (index, try row.int("doubled"), try row.int("pid"))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.count == 300)
            #expect(results.allSatisfy { $0.1 == $0.0 * 2 })
            #expect(Set(results.map(\.2)).count <= 3)
            let sessions = try await client.query(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'")
            #expect(try sessions[0].int("n") <= 3)
        }
    }

    @Test("blocking libpq calls run on the client's threads: Swift's cooperative pool keeps ticking")
    func blockingCallsStayOffTheCooperativePool() async throws {
        // More sleeping statements than the cooperative pool has threads: were they on it, every task would stall.
        let sleepers = ProcessInfo.processInfo.activeProcessorCount + 4
        try await withTestClient(poolSize: sleepers) { client, _ in
            // Open every connection first, so the measured second is only the sleeping.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<sleepers { group.addTask { _ = try await client.query("SELECT pg_sleep(0.2)") } }
                try await group.waitForAll()
            }
            let started = ContinuousClock.now
            let gap = try await withThrowingTaskGroup(of: Duration.self) { group in
                for _ in 0..<sleepers {
                    group.addTask {
                        _ = try await client.query("SELECT pg_sleep(1)")
                        return .zero
                    }
                }
                group.addTask {  // the heartbeat: the largest gap between 10 ms sleeps, counted from the start
                    var last = started
                    var largest = Duration.zero
                    repeat {
                        try await Task.sleep(for: .milliseconds(10))
                        let now = ContinuousClock.now
                        largest = max(largest, now - last)
                        last = now
                    } while last - started < .milliseconds(900)
                    return largest
                }
                return try await group.reduce(.zero) { max($0, $1) }
            }
            let elapsed = ContinuousClock.now - started
            // A blocked pool stalls ≥ 1 s (two threads held by 1 s sleeps); a loaded but free one ticks well inside that.
            #expect(gap < .milliseconds(950), "cooperative pool stalled for \(gap)")
            #expect(elapsed < .seconds(Double(sleepers) / 2), "\(sleepers) one-second sleeps ran in parallel (\(elapsed))")
        }
    }

    @Test("server stopped: queries fail with a clear error; restarted: queries work again")
    func restartRecovery() async throws {
        let server = try await PostgresTestServer.start()
        do {
            let configuration = try PostgresConfiguration(url: try await server.createDatabase(prefix: "restart"), poolSize: 2)
            try await withClient(configuration) { client in
                _ = try await client.query("CREATE TABLE marks (n int)")
                _ = try await client.query("INSERT INTO marks VALUES (1)")

                try await server.stopServer()
                for _ in 0..<3 {
                    let error = await #expect(throws: PostgresError.self) { try await client.query("SELECT count(*) AS n FROM marks") }
                    let code = try #require(error?.code)
                    #expect([.connectionLost, .connectionFailed, .unavailable].contains(code), "\(String(describing: error))")
                }

                try await server.startServer()
                let started = ContinuousClock.now
                var recovered: Int?
                while recovered == nil && ContinuousClock.now - started < .seconds(20) {
                    recovered = try? await client.query("SELECT count(*) AS n FROM marks")[0].int("n")
                    if recovered == nil { try await Task.sleep(for: .milliseconds(50)) }
                }
                #expect(recovered == 1)
                // Within the backoff's cap (2 s) plus generous slack for a loaded machine.
                #expect(ContinuousClock.now - started < .seconds(10))
                // Every pooled connection works afterwards, including ones that were idle during the outage.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<10 { group.addTask { _ = try await client.query("INSERT INTO marks VALUES (2)") } }
                    try await group.waitForAll()
                }
                #expect(try await client.query("SELECT count(*) AS n FROM marks")[0].int("n") == 11)
            }
        } catch {
            try? await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test("an unreachable server is a connection error, not a hang or a crash")
    func unreachableServer() async throws {
        let configuration = PostgresConfiguration(host: "127.0.0.1", port: try freePort(), user: "postgres", database: "none",
                                                  poolSize: 1, connectTimeoutSeconds: 2)
        try await withClient(configuration) { client in
            let first = await #expect(throws: PostgresError.self) { try await client.query("SELECT 1") }
            #expect(first?.code == .connectionFailed)
            #expect(first?.description.contains("127.0.0.1") == true)
            let second = await #expect(throws: PostgresError.self) { try await client.query("SELECT 1") }
            #expect(second?.code == .unavailable, "within the backoff the client fails fast")
        }
    }

    @Test("close waits for lent connections, then refuses new work")
    func closeRefusesNewWork() async throws {
        let server = try await PostgresTestServer.shared()
        let configuration = try PostgresConfiguration(url: try await server.createDatabase(prefix: "close"), poolSize: 1)
        let client = PostgresClient(configuration: configuration, logger: Logger(label: "test.postgres"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await client.withConnection { connection in
                    _ = try await connection.query("SELECT pg_sleep(0.3)")
                }
            }
            try await Task.sleep(for: .milliseconds(100))
            await client.close()
            try await group.waitForAll()
        }
        let error = await #expect(throws: PostgresError.self) { try await client.query("SELECT 1") }
        #expect(error?.code == .clientClosed)
    }
}

@Suite("PostgresClient as a Service and from actors")
struct PostgresServiceTests {
    /// Non-Sendable state the transaction closure mutates: the closure runs on the actor.
    actor Tally {
        var written: [String] = []

        func record(_ names: [String], with client: PostgresClient) async throws {
            try await client.withTransaction { connection in
                for name in names {
                    _ = try await connection.query("INSERT INTO tally VALUES ($1)", [.text(name)])
                    written.append(name)
                }
            }
        }
    }

    @Test("withTransaction works from an actor, touching its state inside the closure")
    func fromAnActor() async throws {
        try await withTestClient { client, _ in
            _ = try await client.query("CREATE TABLE tally (name text)")
            let tally = Tally()
            try await tally.record(["a", "b"], with: client)
            #expect(await tally.written == ["a", "b"])
            #expect(try await client.query("SELECT count(*) AS n FROM tally")[0].int("n") == 2)
        }
    }

    @Test("run() serves until cancelled, then closes the pool")
    func runAsService() async throws {
        let server = try await PostgresTestServer.shared()
        let configuration = try PostgresConfiguration(url: try await server.createDatabase(prefix: "service"), poolSize: 2)
        let client = PostgresClient(configuration: configuration, logger: Logger(label: "test.postgres"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            #expect(try await client.query("SELECT 7 AS n")[0].int("n") == 7)
            group.cancelAll()
            try await group.waitForAll()
        }
        let error = await #expect(throws: PostgresError.self) { try await client.query("SELECT 1") }
        #expect(error?.code == .clientClosed)
        await client.close()  // a second close is harmless
    }
}
