import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import ShopDomain
import ShopEventStore
import ShopRedis
import ShopStockLedger

/// `bench-orders`: the Redis-only floor of placing an order (the order-service's reservation script, then the
/// order_created append, no HTTP, no services) and the Redis bytes an order costs with and without compression.
/// scripts/bench-orders.sh runs it on the stack's Redis after `load` measured the gateway (`--ours`).
struct BenchOrders: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-orders",
        abstract: "The Redis-only floor of order placement (reserve + append order_created) and Redis bytes per order.",
        discussion: """
            Writes into the live keys of the order and inventory topics (it never flushes; the compressed side of \
            the bytes per order goes to the next database): run it against a benchmark Redis with the services \
            stopped, or their consumers react to what it writes.
            """)

    @Option(help: "The Redis server, redis://[user:password@]host:port/db (default: REDIS_URL).")
    var url = ProcessInfo.processInfo.environment["REDIS_URL"] ?? "redis://127.0.0.1:6379"

    @Option(help: "Seconds the floor is measured (0: skip it).")
    var duration: Double = 8

    @Option(help: "Concurrent tasks placing orders, as the connections of the gateway run.")
    var concurrency = 16

    @Option(help: "Products the orders cycle through (as `load` sets up).")
    var products = 10

    @Option(help: "Accepted orders/s measured through the gateway; printed beside the floor with their ratio.")
    var ours: Double?

    @Option(help: "Orders placed per side for the bytes-per-order figures (0: skip them).")
    var memoryOrders = 5_000

    @Option(help: "Products per order in the bytes-per-order figures.")
    var items = 1

    @Option(help: "EVENT_COMPRESSION_THRESHOLD of the compressed side of the bytes-per-order figures.")
    var compressionThreshold = 0

    @Option(help: "Event-loop threads of the Redis client.")
    var threads = 1

    func validate() throws {
        guard duration >= 0, duration <= 600 else { throw ValidationError("--duration must be from 0 to 600 seconds") }
        guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency must be from 1 to 1024") }
        guard (1...10_000).contains(products) else { throw ValidationError("--products must be from 1 to 10000") }
        guard (0...1_000_000).contains(memoryOrders) else { throw ValidationError("--memory-orders must be from 0 to 1000000") }
        guard (1...1000).contains(items) else { throw ValidationError("--items must be from 1 to 1000") }
        guard compressionThreshold >= 0 else { throw ValidationError("--compression-threshold must not be negative") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be from 1 to 64") }
        if let ours, !(ours >= 0 && ours.isFinite) { throw ValidationError("--ours must be a rate of 0 or more") }
        do { _ = try RedisConfiguration(url: url) } catch { throw ValidationError("--url: \(error)") }
    }

    func run() async throws {
        var quiet = Logger(label: "ordershop-client.bench-orders")
        quiet.logLevel = .warning
        let logger = quiet
        try await Self.withRedis(try RedisConfiguration(url: url), threads: threads, logger: logger) { client in
            let store = EventStore(redis: client, logger: logger)
            if duration > 0 {
                let floor = try await measureFloor(store: store)
                if let ours {
                    let ratio = floor > 0 ? String(format: "%.2f", ours / floor) : "?"
                    print("orders: ours=\(Int(ours.rounded()))/s reference=\(Int(floor.rounded()))/s ratio=\(ratio)")
                } else {
                    print("orders: reference=\(Int(floor.rounded()))/s")
                }
            }
            if memoryOrders > 0 {
                // Each side in a database of its own, both starting alike: the hash tables of the two then grow
                // in the same steps and the difference is the compression's alone.
                let json = try await bytesPerOrder(client: client, threshold: Int.max, logger: logger)
                let gzip = try await Self.withRedis(Self.nextDatabase(after: try RedisConfiguration(url: url)),
                                                    threads: threads, logger: logger) { other in
                    try await bytesPerOrder(client: other, threshold: compressionThreshold, logger: logger)
                }
                let label = items == 1 ? "redis-bytes-per-order" : "redis-bytes-per-order (\(items) items)"
                print("# bytes per order: used_memory growth over \(memoryOrders) orders of \(items) item(s), each a reservation "
                      + "(inventory_updated events, reservation hash) and an order_created event with its projection; "
                      + "gzip: EVENT_COMPRESSION_THRESHOLD=\(compressionThreshold)")
                print("\(label): json=\(json) gzip=\(gzip)")
            }
        }
    }

    /// Accepted orders/s of `concurrency` tasks, each reserving one product and appending its order_created.
    func measureFloor(store: EventStore) async throws -> Double {
        let catalogue = try await OrderBench.setUp(store: store, products: products, stock: 1_000_000)
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int64(duration * 1000))
        // Each task counts its own (accepted, refused); the sums come back through the group.
        let (accepted, refused) = try await withThrowingTaskGroup(of: (Int, Int).self) { tasks in
            for task in 0..<concurrency {
                tasks.addTask {
                    var ticket = task, accepted = 0, refused = 0
                    while ContinuousClock.now < deadline {
                        if try await catalogue.place(store: store, ticket: ticket, items: 1) { accepted += 1 } else { refused += 1 }
                        ticket += concurrency
                    }
                    return (accepted, refused)
                }
            }
            return try await tasks.reduce((0, 0)) { ($0.0 + $1.0, $0.1 + $1.1) }
        }
        let elapsed = (ContinuousClock.now - start).secondsDouble
        print("# reference: \(accepted) orders accepted (\(refused) refused) in "
              + "\(String(format: "%.1f", elapsed)) s by \(concurrency) tasks on \(products) products")
        return Double(accepted) / elapsed
    }

    /// Growth of INFO used_memory per order placed (reservation + order_created), stored with `threshold`.
    func bytesPerOrder(client: RedisClient, threshold: Int, logger: Logger) async throws -> Int {
        let store = EventStore(redis: client, logger: logger, compressionThreshold: threshold)
        let catalogue = try await OrderBench.setUp(store: store, products: products, stock: memoryOrders * items + 1)
        // One warm-up order: script loading and the first key of each kind are not per-order costs.
        _ = try await catalogue.place(store: store, ticket: 0, items: items)
        let before = try await OrderBench.settledMemory(client)
        let batch = 16
        for first in stride(from: 1, through: memoryOrders, by: batch) {
            try await withThrowingTaskGroup(of: Bool.self) { tasks in
                for ticket in first..<min(memoryOrders + 1, first + batch) {
                    tasks.addTask { try await catalogue.place(store: store, ticket: ticket, items: items) }
                }
                for try await accepted in tasks where !accepted {
                    throw ValidationError("an order was refused while measuring memory (stock too low)")
                }
            }
        }
        let after = try await OrderBench.settledMemory(client)
        return Int((Double(after - before) / Double(memoryOrders)).rounded())
    }

    /// The same server and credentials, the next database (a side of a benchmark that must not share keys).
    static func nextDatabase(after configuration: RedisConfiguration) -> RedisConfiguration {
        var next = configuration
        next.database += 1
        return next
    }

    /// Runs `body` with a connected client on its own event loops, shutting both down afterwards.
    static func withRedis<T: Sendable>(_ configuration: RedisConfiguration, threads: Int, logger: Logger,
                                       _ body: @Sendable (RedisClient) async throws -> T) async throws -> T {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let client = RedisClient(configuration: configuration, eventLoopGroup: group, logger: logger)
        do {
            let result = try await withThrowingTaskGroup(of: T?.self) { tasks in
                tasks.addTask { try await client.run(); return nil }
                defer { tasks.cancelAll() }
                try await client.ping()
                return try await body(client)
            }
            try await group.shutdownGracefully()
            return result
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }
}

/// The catalogue of an order benchmark: a customer and products with stock, in the store as the shop has them.
struct OrderBench: Sendable {
    let customerID: String
    let productIDs: [String]

    /// Creates a customer and `products` products, each with `stock` units.
    static func setUp(store: EventStore, products: Int, stock: Int) async throws -> OrderBench {
        let tag = String(UInt32.random(in: .min ... .max), radix: 16)
        let customer = try await store.create([Customer(id: "", name: "bench \(tag)", email: "bench-\(tag)@example.com")])[0]
        let made = try await store.create((0..<products).map { Product(id: "", name: "bench \(tag) \($0)", price: 100 + $0) })
        _ = try await store.create(made.map { Inventory(id: "", productID: $0.id, amount: stock) })
        return OrderBench(customerID: customer.id, productIDs: made.map(\.id))
    }

    /// Places one order as order-service does: reserve its products, then append order_created (`false`: refused).
    func place(store: EventStore, ticket: Int, items: Int) async throws -> Bool {
        let order = Order(id: EntityID.make(), productIDs: (0..<items).map { productIDs[(ticket + $0) % productIDs.count] },
                          customerID: customerID)
        do {
            try await StockLedger(store: store, logger: store.logger).reserveStock(orderID: order.id, productIDs: order.productIDs)
        } catch let error as EventStoreError {
            guard case .outOfStock = error.code else { throw error }
            return false
        }
        try await store.append(created: [order])
        return true
    }

    /// `usedMemory` once it holds still: Redis finishes growing a keyspace's hash table in the background (both
    /// tables live meanwhile), so a reading in the middle of that would count the old table as the orders' cost.
    static func settledMemory(_ client: RedisClient) async throws -> Int {
        var last = try await usedMemory(client)
        for _ in 0..<50 {
            try await Task.sleep(for: .milliseconds(100))
            let now = try await usedMemory(client)
            if now == last { return now }
            last = now
        }
        return last
    }

    /// INFO memory's used_memory less the buffers that come and go (AOF buffer, client buffers): the data, in bytes.
    static func usedMemory(_ client: RedisClient) async throws -> Int {
        let info = try await client.send("INFO", "memory").string ?? ""
        var values: [Substring: Int] = [:]
        for line in info.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, let value = Int(parts[1].trimmingCharacters(in: .whitespaces)) { values[parts[0]] = value }
        }
        guard let used = values["used_memory"] else { throw ValidationError("INFO memory has no used_memory") }
        return used - ["mem_aof_buffer", "mem_clients_normal", "mem_clients_slaves"].reduce(0) { $0 + (values[$1] ?? 0) }
    }
}
