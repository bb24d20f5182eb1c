import ArgumentParser
import Foundation
import Logging
import ShopDomain
import ShopEventStore
import ShopRedis

/// `bench-scale`: the append rate of order_created events with a short history and with a long one, to show an
/// append costs the same whatever the stream holds. Meant for a private, empty Redis (scripts/bench-scale.sh).
struct BenchScale: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-scale",
        abstract: "Append rate with a short (10-entry) and a long (1M-entry) order stream; flushes the database.")

    @Option(help: "The Redis server, redis://[user:password@]host:port/db. It must be empty: the benchmark flushes it.")
    var url = ProcessInfo.processInfo.environment["REDIS_URL"] ?? "redis://127.0.0.1:6379"

    @Option(help: "Seconds each side appends.")
    var duration: Double = 4

    @Option(help: "Concurrent appending tasks.")
    var concurrency = 16

    @Option(help: "Entries of the short stream.")
    var short = 10

    @Option(help: "Entries of the long stream.")
    var long = 1_000_000

    @Option(help: "Event-loop threads of the Redis client.")
    var threads = 1

    @Flag(help: "Run even if the database is not empty (it is flushed).")
    var force = false

    func validate() throws {
        guard duration > 0, duration <= 600 else { throw ValidationError("--duration must be above 0 and at most 600 seconds") }
        guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency must be from 1 to 1024") }
        guard short >= 1, long > short, long <= 100_000_000 else {
            throw ValidationError("--short must be at least 1 and below --long (at most 100000000)")
        }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be from 1 to 64") }
        do { _ = try RedisConfiguration(url: url) } catch { throw ValidationError("--url: \(error)") }
    }

    func run() async throws {
        var quiet = Logger(label: "ordershop-client.bench-scale")
        quiet.logLevel = .warning
        let logger = quiet
        try await BenchOrders.withRedis(url: url, threads: threads, logger: logger) { client in
            let keys = try await client.send("DBSIZE").int ?? 0
            guard force || keys == 0 else {
                throw ValidationError("the database is not empty; bench-scale flushes it (use --force on a private server)")
            }
            _ = try await client.send("FLUSHDB")
            let store = EventStore(redis: client, logger: logger)
            let catalogue = try await OrderBench.setUp(store: store, products: 10, stock: 1)
            let stream = TopicKeys(.order).stream(.created)

            for ticket in 0..<short { _ = try await append(store: store, catalogue: catalogue, ticket: ticket) }
            let shortRate = try await measure(store: store, catalogue: catalogue, client: client, stream: stream)
            print("append: stream=\(short) \(Int(shortRate.rounded()))/s")

            let filled = try await fill(client: client, stream: stream, to: long)
            print("# filled \(stream) to \(filled.entries) entries in \(String(format: "%.1f", filled.seconds)) s; "
                  + "Redis used_memory \(try await OrderBench.usedMemory(client) >> 20) MB")
            let longRate = try await measure(store: store, catalogue: catalogue, client: client, stream: stream)
            print("append: stream=\(long) \(Int(longRate.rounded()))/s")
            _ = try await client.send("FLUSHDB")
        }
    }

    /// Appends one order_created event (no reservation: the append alone is measured).
    private func append(store: EventStore, catalogue: OrderBench, ticket: Int) async throws -> Int {
        let order = Order(id: EntityID.make(), productIDs: [catalogue.productIDs[ticket % catalogue.productIDs.count]],
                          customerID: catalogue.customerID)
        let event = NewEvent(action: .created, aggregateID: order.id, entity: Array(try JSONEncoder().encode(order)),
                             expectedVersion: 0)
        return try await store.append([event], topic: .order).count
    }

    /// Appends/s of `concurrency` tasks for `duration`; says by how much the stream grew meanwhile.
    private func measure(store: EventStore, catalogue: OrderBench, client: RedisClient, stream: String) async throws -> Double {
        let before = try await client.send("XLEN", RESPArgument(stream)).int ?? 0
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int64(duration * 1000))
        let count = try await withThrowingTaskGroup(of: Int.self) { tasks in
            for task in 0..<concurrency {
                tasks.addTask {
                    var ticket = task, appended = 0
                    while ContinuousClock.now < deadline {
                        appended += try await append(store: store, catalogue: catalogue, ticket: ticket)
                        ticket += concurrency
                    }
                    return appended
                }
            }
            return try await tasks.reduce(0, +)
        }
        let elapsed = (ContinuousClock.now - start).seconds
        print("# \(count) appends by \(concurrency) tasks in \(String(format: "%.1f", elapsed)) s, stream \(before) → \(before + count)")
        return Double(count) / elapsed
    }

    /// Grows `stream` to `target` entries with copies of its newest entry (fresh event ids), 50,000 per script
    /// call so Redis stays responsive, entry ids continuing the topic's append clock.
    private func fill(client: RedisClient, stream: String, to target: Int) async throws -> (entries: Int, seconds: Double) {
        let newest = try await client.send("XREVRANGE", RESPArgument(stream), "+", "-", "COUNT", "1")
        guard let entry = newest.array?.first?.array, entry.count == 2, let fields = entry[1].array, !fields.isEmpty else {
            throw ValidationError("\(stream) has no entry to copy")
        }
        let template = fields.compactMap(\.bytes).map { RESPArgument($0) }
        let start = ContinuousClock.now
        var length = try await client.send("XLEN", RESPArgument(stream)).int ?? 0
        var batch = 0
        while length < target {
            let count = min(50_000, target - length)
            let reply = try await client.evalSHA(Self.fillScript, keys: [RESPArgument(stream), RESPArgument(TopicKeys(.order).clock)],
                                                 arguments: [RESPArgument(count), RESPArgument("fill\(batch)-")] + template)
            length = reply.int ?? target
            batch += 1
        }
        return (length, (ContinuousClock.now - start).seconds)
    }

    /// KEYS[1] the stream, KEYS[2] the topic's append clock; ARGV count, event id prefix, then the entry's fields.
    /// Adds `count` copies with a fresh `event_id` at the clock's millisecond (Redis numbers them on), then moves the
    /// clock past them so later appends keep their ids increasing; replies XLEN.
    static let fillScript = RedisScript(#"""
    local count, prefix = tonumber(ARGV[1]), ARGV[2]
    local fields = {}
    for i = 3, #ARGV do fields[#fields + 1] = ARGV[i] end
    local slot
    for i = 1, #fields, 2 do if fields[i] == 'event_id' then slot = i + 1 end end
    local ms = redis.call('HGET', KEYS[2], 'ms') or '0'
    local at, id = ms .. '-*', nil
    for i = 1, count do
      if slot then fields[slot] = prefix .. i end
      id = redis.call('XADD', KEYS[1], at, unpack(fields))
    end
    if id then redis.call('HSET', KEYS[2], 'ms', ms, 'seq', string.match(id, '-(%d+)$')) end
    return redis.call('XLEN', KEYS[1])
    """#)
}
