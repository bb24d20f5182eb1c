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

    @Option(help: "Seconds each side appends in all.")
    var duration: Double = 4

    @Option(help: "Rounds the appends of each side are split into, the sides taking turns.")
    var rounds = 4

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
        guard (1...100).contains(rounds) else { throw ValidationError("--rounds must be from 1 to 100") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be from 1 to 64") }
        do { _ = try RedisConfiguration(url: url) } catch { throw ValidationError("--url: \(error)") }
    }

    func run() async throws {
        var quiet = Logger(label: "ordershop-client.bench-scale")
        quiet.logLevel = .warning
        let logger = quiet
        // The short stream in the URL's database, the long one in the next: the rounds of the two sides can then
        // alternate, so a neighbour's burst on this shared machine falls on both rather than on one.
        let shortConfiguration = try RedisConfiguration(url: url)
        let longConfiguration = BenchOrders.nextDatabase(after: shortConfiguration)
        try await BenchOrders.withRedis(shortConfiguration, threads: threads, logger: logger) { shortClient in
            try await BenchOrders.withRedis(longConfiguration, threads: threads, logger: logger) { longClient in
                for client in [shortClient, longClient] {
                    let keys = try await client.send("DBSIZE").int ?? 0
                    guard force || keys == 0 else {
                        throw ValidationError("databases \(shortConfiguration.database) and \(longConfiguration.database) must be "
                                              + "empty; bench-scale flushes them (use --force on a private server)")
                    }
                    _ = try await client.send("FLUSHDB")
                }
                let sides = [try await AppendSide(client: shortClient, entries: short, logger: logger),
                             try await AppendSide(client: longClient, entries: short, logger: logger)]
                let filled = try await fill(client: longClient, stream: AppendSide.stream, to: long)
                print("# filled \(AppendSide.stream) to \(filled.entries) entries in \(String(format: "%.1f", filled.seconds)) s; "
                      + "Redis used_memory \(try await OrderBench.usedMemory(longClient) >> 20) MB")
                let lengths = [try await sides[0].length(), try await sides[1].length()]
                var totals = [(appends: 0, seconds: 0.0), (appends: 0, seconds: 0.0)]
                for _ in 0..<rounds {
                    for (index, side) in sides.enumerated() {
                        let round = try await measure(side, for: duration / Double(rounds))
                        totals[index].appends += round.appends
                        totals[index].seconds += round.seconds
                    }
                }
                for (index, side) in sides.enumerated() {
                    print("# \(totals[index].appends) appends by \(concurrency) tasks in \(String(format: "%.1f", totals[index].seconds)) s "
                          + "(\(rounds) rounds), stream \(lengths[index]) → \(try await side.length())")
                    let rate = Double(totals[index].appends) / totals[index].seconds
                    print("append: stream=\(index == 0 ? short : long) \(Int(rate.rounded()))/s")
                }
                for client in [shortClient, longClient] { _ = try await client.send("FLUSHDB") }
            }
        }
    }

    /// Appends of `concurrency` tasks to `side` during `seconds`, and the time they took.
    private func measure(_ side: AppendSide, for seconds: Double) async throws -> (appends: Int, seconds: Double) {
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int64(seconds * 1000))
        let count = try await withThrowingTaskGroup(of: Int.self) { tasks in
            for task in 0..<concurrency {
                tasks.addTask {
                    var ticket = task, appended = 0
                    while ContinuousClock.now < deadline {
                        appended += try await side.append(ticket: ticket)
                        ticket += concurrency
                    }
                    return appended
                }
            }
            return try await tasks.reduce(0, +)
        }
        return (count, (ContinuousClock.now - start).secondsDouble)
    }

    /// Grows `stream` to `target` entries with copies of its newest entry (fresh event ids), 50,000 per script
    /// call so Redis stays responsive, entry ids continuing the topic's append clock.
    func fill(client: RedisClient, stream: String, to target: Int) async throws -> (entries: Int, seconds: Double) {
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
        return (length, (ContinuousClock.now - start).secondsDouble)
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

/// One side of the scale benchmark: an order stream in its own database, and a catalogue to order from.
struct AppendSide: Sendable {
    /// The stream whose length is the history: order_created events.
    static let stream = TopicKeys(.order).stream(.created)

    let client: RedisClient
    let store: EventStore
    let catalogue: OrderBench

    /// Sets up a catalogue in `client`'s database and appends `entries` orders; warms the append path up on the
    /// product topic (connections, script cache) without growing the order stream.
    init(client: RedisClient, entries: Int, logger: Logger) async throws {
        self.client = client
        self.store = EventStore(redis: client, logger: logger)
        self.catalogue = try await OrderBench.setUp(store: store, products: 10, stock: 1)
        for ticket in 0..<entries { _ = try await append(ticket: ticket) }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for task in 0..<16 {
                tasks.addTask { [store] in
                    for index in 0..<50 { _ = try await store.create([Product(id: "", name: "warm-up \(task)-\(index)", price: 1)]) }
                }
            }
            try await tasks.waitForAll()
        }
    }

    /// Appends one order_created event (no reservation: the append alone is measured); returns 1.
    func append(ticket: Int) async throws -> Int {
        let order = Order(id: EntityID.make(), productIDs: [catalogue.productIDs[ticket % catalogue.productIDs.count]],
                          customerID: catalogue.customerID)
        let event = NewEvent(action: .created, aggregateID: order.id, entity: Array(try JSONEncoder().encode(order)),
                             expectedVersion: 0)
        return try await store.append([event], topic: .order).count
    }

    /// The stream's length now.
    func length() async throws -> Int {
        try await client.send("XLEN", RESPArgument(Self.stream)).int ?? 0
    }
}
