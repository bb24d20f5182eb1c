import ArgumentParser
import Foundation
import Logging
import NIOCore
import ShopArchive
import ShopDomain
import ShopEventStore
import ShopHTTP
import ShopLoad
import ShopPostgres
import ShopRedis

/// `bench-archive`: sustained archiving from Redis to PostgreSQL, then per-aggregate event queries over HTTP with
/// a million events archived. Meant for a private Redis and database (scripts/bench-archive.sh).
struct BenchArchive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-archive",
        abstract: "Benchmark archive-service's work; prints `archive: N events/s`, `events-query: p50=… p99=…` and `correlation-query: p50=… p99=…`.")

    @Option(help: "The Redis server; it must be empty (the benchmark flushes it).")
    var redisURL = Bench.redisURL

    @Option(help: "The PostgreSQL database; its events table must be empty.")
    var databaseURL = ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/ordershop"

    @Option(help: "Events put in the streams and archived by the archiver (the throughput figure).")
    var events = 200_000

    @Option(help: "Events in the archive for the query figure (the rest is bulk-inserted in PostgreSQL).")
    var queryEvents = 1_000_000

    @Option(help: "Per-aggregate queries timed.")
    var queries = 2_000

    func run() async throws {
        guard events > 0, queryEvents >= events + 10, queries > 0 else {
            throw ValidationError("counts must be positive and --query-events at least --events + 10 (the queried aggregates are bulk-loaded)")
        }
        var logger = Logger(label: "bench-archive")
        logger.logLevel = .warning
        let redis = RedisClient(configuration: try RedisConfiguration(url: redisURL), logger: logger)
        let postgres = PostgresClient(configuration: try PostgresConfiguration(url: databaseURL, poolSize: 4), logger: logger)
        let archive = EventArchive(postgres: postgres, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await redis.run() }
            group.addTask { try await postgres.run() }
            defer { group.cancelAll() }
            try await archive.migrate()
            guard try await redis.send("DBSIZE").int == 0, try await archive.count() == 0 else {
                throw ValidationError("Redis and the events table must be empty (use a private server: make bench-archive)")
            }
            try await measureArchiving(redis: redis, archive: archive, logger: logger)
            try await measureQueries(archive: archive, redis: redis, logger: logger)
        }
    }

    /// Fills the 15 streams with `events` entries, then times the archiver until all are acknowledged.
    private func measureArchiving(redis: RedisClient, archive: EventArchive, logger: Logger) async throws {
        let streams = EventStreamID.all(of: Topic.allCases)
        var commands: [[RESPArgument]] = []
        for index in 0..<events {
            let stream = streams[index % streams.count]
            let id = EntityID.make()
            let entity = #"{"id":"\#(id)","name":"Customer \#(index)","email":"c\#(index)@example.com","price":\#(index % 1000)}"#
            commands.append(["XADD", RESPArgument(stream.key), "*", "event_id", RESPArgument(EntityID.make()),
                             "entity", RESPArgument(entity), "aggregate_id", RESPArgument(id), "version", "1",
                             "occurred_at", RESPArgument(Int(Date().timeIntervalSince1970 * 1000)), "correlation_id", "", "enc", "json"])
            if commands.count == 2_000 || index == events - 1 {
                for reply in try await redis.pipeline(commands) { _ = try reply.get() }
                commands.removeAll(keepingCapacity: true)
            }
        }
        let archiver = Archiver(redis: redis, archive: archive, logger: logger)
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await archiver.run() }
            defer { group.cancelAll() }
            while archiver.status.acknowledged < events {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let seconds = (clock.now - start).secondsDouble
        let batch = archiver.configuration
        print("archive: \(Int(Double(events) / seconds)) events/s (\(events) events from 15 streams, batches of up to "
              + "\(batch.batchSize) entries or \(batch.batchDelay), \(String(format: "%.1f", seconds)) s)")
    }

    /// Tops the archive up to `queryEvents` with one server-side insert, then times per-aggregate and per-correlation
    /// queries over HTTP. The secondary indexes are dropped for the load and built again after it (one sorted build
    /// each instead of a million random inserts into six indexes: what makes the load fit two cores).
    private func measureQueries(archive: EventArchive, redis: RedisClient, logger: Logger) async throws {
        let missing = queryEvents - (try await archive.count())
        let aggregates = max(missing / 10, 1)
        // Four events a correlation (an order request sets off two or three), spread over the table as requests interleave.
        let correlations = max(missing / 4, 1)
        let clock = ContinuousClock()
        let loadStart = clock.now
        if missing > 0 {
            let indexes = try await archive.postgres.query("""
                SELECT indexname, indexdef FROM pg_indexes
                WHERE tablename = 'events' AND indexname NOT IN (SELECT conname FROM pg_constraint)
                """).map { (name: try $0.string("indexname"), definition: try $0.string("indexdef")) }
            for index in indexes { _ = try await archive.postgres.query("DROP INDEX \(index.name)") }
            _ = try await archive.postgres.query("""
                INSERT INTO events (event_id, topic, action, entry_id, aggregate_id, version, occurred_at, correlation_id,
                                    causation_id, entity)
                SELECT gen_random_uuid(), (ARRAY['customer','product','inventory','order','billing'])[1 + g % 5],
                       CASE WHEN g < $2 THEN 'created' ELSE 'updated' END, (1000000000000 + g) || '-0',
                       'bench-' || (g % $2), g / $2 + 1, now(), 'correlation-' || (g % $3), 'request-' || (g % $3),
                       jsonb_build_object('id', 'bench-' || (g % $2), 'name', 'Entity ' || g, 'amount', g % 1000)
                FROM generate_series(0, $1 - 1) AS g
                """, [.int(Int64(missing)), .int(Int64(aggregates)), .int(Int64(correlations))])
            _ = try await archive.postgres.query("SET maintenance_work_mem = '256MB'")
            for index in indexes { _ = try await archive.postgres.query(index.definition) }
            _ = try await archive.postgres.query("ANALYZE events")
        }
        let loadSeconds = (clock.now - loadStart).secondsDouble

        var router = Router()
        // archive-service's GET /events, as its route runs it: a query of the archive, the page as JSON.
        router.get("/events") { request in .json(bytes: try await archive.page(try EventQuery(parameters: request.query)).jsonBody()) }
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), router: router, logger: logger)
        var latencies: [Duration] = []
        var correlationLatencies: [Duration] = []
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            defer { group.cancelAll() }
            let client = try HTTPClient(baseURL: "http://127.0.0.1:\(try await server.localPort())", logger: logger)
            latencies = try await timed(client, rounds: queries) { "/events?aggregate_id=bench-\(Int.random(in: 0..<aggregates))&limit=100" }
            correlationLatencies = try await timed(client, rounds: queries) {
                "/events?correlation=correlation-\(Int.random(in: 0..<correlations))&limit=100"
            }
            await client.shutdown()
        }
        let total = try await archive.count()
        print("events-query: \(Self.percentiles(latencies)) (per-aggregate, ~10 events each, \(total) events archived, "
              + "\(queries) sequential GET /events over HTTP; bulk load \(String(format: "%.0f", loadSeconds)) s)")
        print("correlation-query: \(Self.percentiles(correlationLatencies)) (GET /events?correlation=, ~4 events each, "
              + "\(total) events archived, \(queries) sequential over HTTP)")
    }

    /// Times `rounds` sequential GETs of the paths `path` makes, after 200 that warm the connection and caches;
    /// each answer must hold events.
    private func timed(_ client: HTTPClient, rounds: Int, _ path: () -> String) async throws -> [Duration] {
        let clock = ContinuousClock()
        var latencies: [Duration] = []
        for round in 0..<(rounds + 200) {
            let target = path()
            let start = clock.now
            let response = try await client.execute(.GET, target)
            let elapsed = clock.now - start
            guard response.status == .ok, response.body.readableBytes > 30 else {
                throw ValidationError("query \(target) answered \(response.status.code) with \(response.body.readableBytes) bytes, not events")
            }
            if round >= 200 { latencies.append(elapsed) }
        }
        return latencies
    }

    /// `p50=…ms p99=…ms` of `latencies`.
    private static func percentiles(_ latencies: [Duration]) -> String {
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> String {
            let value = sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
            return String(format: "%.2fms", value.secondsDouble * 1000)
        }
        return "p50=\(percentile(0.50)) p99=\(percentile(0.99))"
    }
}
