import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import ShopDomain
import ShopEventStore
import ShopLoad
import ShopRedis

/// `bench-events`: our atomic append (with projection) against a bare XADD of the same payload, rebuild speed,
/// and the gzip ratio of a realistic 2 KB entity. Meant for a private, empty Redis (scripts/bench-events.sh).
struct BenchEvents: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-events",
        abstract: "Benchmark the event store; prints append (ours vs bare XADD), rebuild and compression lines.")

    @Option(help: "The Redis server, redis://[user:password@]host:port/db. It must be empty: the benchmark flushes it.")
    var url = Bench.redisURL

    @Option(help: "Events appended per side.")
    var appends = 20_000

    @Option(help: "Concurrent writers per side.")
    var concurrency = 16

    @Option(help: "Events in the topic that is rebuilt.")
    var rebuildEvents = 50_000

    @Flag(help: "Run even if the database is not empty (it is flushed).")
    var force = false

    func run() async throws {
        guard appends > 0, concurrency > 0, rebuildEvents > 0 else { throw ValidationError("counts must be positive") }
        var logger = Logger(label: "bench-events")
        logger.logLevel = .warning
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let client = RedisClient(configuration: try RedisConfiguration(url: url), eventLoopGroup: group, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await client.run() }
            defer { tasks.cancelAll() }
            let keys = try await client.send("DBSIZE").int ?? 0
            guard force || keys == 0 else {
                throw ValidationError("the database is not empty; bench-events flushes it (use --force on a private server)")
            }
            _ = try await client.send("FLUSHDB")
            let store = EventStore(redis: client, logger: logger)
            let ours = try await measureAppends(store: store, client: client, reference: false)
            let reference = try await measureAppends(store: store, client: client, reference: true)
            print(Bench.comparisonLine("append", ours: ours, reference: reference))
            _ = try await client.send("FLUSHDB")
            let reads = try await measureListReads(store: store)
            print("read: findAllJSON of 300 orders=\(Int(reads))/s")
            _ = try await client.send("FLUSHDB")
            let rebuilt = try await measureRebuild(store: store)
            print("rebuild: \(Int(rebuilt)) events/s")
            _ = try await client.send("FLUSHDB")
            print("compression: ratio=\(String(format: "%.2f", Self.compressionRatio(distinct: false)))")
            print("compression (50 all-distinct random ids, worst case): ratio=\(String(format: "%.2f", Self.compressionRatio(distinct: true)))")
        }
        try await group.shutdownGracefully()
    }

    /// Events per second of `concurrency` writers appending one product event each call (ours), or XADDing the
    /// same fields and payload to a bare stream (reference).
    func measureAppends(store: EventStore, client: RedisClient, reference: Bool) async throws -> Double {
        let perWriter = max(1, appends / concurrency)
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { writers in
            for writer in 0..<concurrency {
                writers.addTask {
                    for index in 0..<perWriter {
                        let id = EntityID.make()
                        let entity = Array(try JSONEncoder().encode(Product(id: id, name: "product \(writer)-\(index)", price: index)))
                        let event = NewEvent(action: .created, aggregateID: id, entity: entity, expectedVersion: 0)
                        if reference {
                            _ = try await client.send("XADD", "events:{bench}_reference", "*", "event_id", RESPArgument(event.eventID),
                                                      "entity", RESPArgument(bytes: entity), "aggregate_id", RESPArgument(id),
                                                      "version", "1", "occurred_at", "0", "correlation_id", "", "enc", "json")
                        } else {
                            _ = try await store.append([event], topic: .product)
                        }
                    }
                }
            }
            try await writers.waitForAll()
        }
        return Double(perWriter * concurrency) / (ContinuousClock.now - start).secondsDouble
    }

    /// List reads per second (`GET /orders` without HTTP): 300 orders of 3 products, `concurrency` readers.
    func measureListReads(store: EventStore) async throws -> Double {
        let orders = (0..<300).map { index in
            Order(id: "", productIDs: (0..<3).map { "product-\(index * 3 + $0)" }, customerID: "customer-\(index % 10)")
        }
        _ = try await store.create(orders)
        let perReader = max(1, appends / (10 * concurrency))
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { readers in
            for _ in 0..<concurrency {
                readers.addTask {
                    for _ in 0..<perReader {
                        let json = try await store.findAllJSON(.order)
                        guard json.count > 300 * 100 else { throw ValidationError("short read: \(json.count) bytes") }
                    }
                }
            }
            try await readers.waitForAll()
        }
        return Double(perReader * concurrency) / (ContinuousClock.now - start).secondsDouble
    }

    /// Rebuild throughput over `rebuildEvents` events (two thirds creates, one third updates).
    func measureRebuild(store: EventStore) async throws -> Double {
        var products: [Product] = []
        let creates = rebuildEvents * 2 / 3
        for start in stride(from: 0, to: creates, by: 500) {
            products += try await store.create((start..<min(creates, start + 500)).map { Product(id: "", name: "p\($0)", price: $0) })
        }
        var updates: [NewEvent] = []
        for index in 0..<(rebuildEvents - creates) {
            var product = products[index % products.count]
            product.price += 1
            updates.append(NewEvent(action: .updated, aggregateID: product.id, entity: Array(try JSONEncoder().encode(product))))
        }
        for start in stride(from: 0, to: updates.count, by: 500) {
            _ = try await store.append(Array(updates[start..<min(updates.count, start + 500)]), topic: .product)
        }
        let report = try await store.rebuild(.product)
        print("# rebuild of \(report.events) events into \(report.entities) entities: read+fold \(report.foldDuration), "
              + "stage \(report.stageDuration), swap \(report.swapDuration)")
        guard try await store.verify(.product).isEmpty else { throw ValidationError("rebuild does not match the events") }
        return Double(report.events) / report.duration.secondsDouble
    }

    /// Compressed/raw size of a ~2 KB order: 50 product ids from a 20-product catalogue (or all distinct).
    static func compressionRatio(distinct: Bool) -> Double {
        let catalogue = (0..<20).map { _ in EntityID.make() }
        let ids = (0..<50).map { distinct ? EntityID.make() : catalogue[$0 * 7 % catalogue.count] }
        let order = Order(id: EntityID.make(), productIDs: ids, customerID: EntityID.make())
        let raw = Array((try? JSONEncoder().encode(order)) ?? Data())
        return Double(Gzip.compress(raw).count) / Double(raw.count)
    }
}
