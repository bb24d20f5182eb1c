import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import ShopLoad
import ShopHTTP
import ShopRedis

/// `bench-redis`: runs the same commands with our client and with `redis-benchmark` against one server, side by side.
struct BenchRedis: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-redis",
        abstract: "Benchmark ShopRedis against redis-benchmark on the same server; prints NAME: ours=N/s reference=N/s ratio=R.")

    @Option(help: "The Redis server, redis://[user:password@]host:port/db.")
    var url = Bench.redisURL

    @Option(help: "Requests per case and side.")
    var requests = 100_000

    @Option(help: "Comma-separated cases to run (default: all).")
    var cases = BenchCase.all.map(\.name).joined(separator: ",")

    @Option(help: "Runs of each side per case; the best counts (the machine is shared).")
    var rounds = 1

    @Option(help: "Path of redis-benchmark; empty to skip the reference.")
    var redisBenchmark = "redis-benchmark"

    @Flag(help: "Run our side's loops on the cooperative pool instead of the client's event loop.")
    var cooperativePool = false

    func run() async throws {
        let configuration = try RedisConfiguration(url: url)
        let selected = try cases.split(separator: ",").map { name in
            guard let found = BenchCase.all.first(where: { $0.name == name }) else {
                throw ValidationError("unknown case \(name); known: \(BenchCase.all.map(\.name).joined(separator: ", "))")
            }
            return found
        }
        guard requests > 0, rounds > 0 else { throw ValidationError("--requests and --rounds must be positive") }
        // One event loop, as redis-benchmark uses one thread.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var logger = Logger(label: "bench-redis")
        logger.logLevel = .warning
        for benchCase in selected {
            var clientConfiguration = configuration
            clientConfiguration.poolSize = benchCase.connections
            let client = RedisClient(configuration: clientConfiguration, eventLoopGroup: group, logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await client.run() }
                defer { tasks.cancelAll() }
                let command = try await benchCase.prepare(client)
                let runner = EventLoopTaskExecutor(group.next())
                var ours = 0.0
                var reference: Double?
                for _ in 0..<rounds {
                    ours = max(ours, try await measure(benchCase, command: command, client: client, runner: runner))
                    if !redisBenchmark.isEmpty {
                        let rate = try runReference(benchCase, command: command, configuration: configuration)
                        reference = max(reference ?? 0, rate)
                    }
                }
                print(Bench.comparisonLine(benchCase.name, ours: ours, reference: reference))
            }
        }
        try await group.shutdownGracefully()
    }

    /// Our side: `connections` workers, each sending `pipeline` commands per round trip; requests per second.
    func measure(_ benchCase: BenchCase, command: [String], client: RedisClient, runner: EventLoopTaskExecutor) async throws -> Double {
        let arguments = command.map { RESPArgument($0) }
        let perWorker = max(1, requests / (benchCase.connections * benchCase.pipeline))
        let warmup = max(1, perWorker / 20)
        let pipeline = benchCase.pipeline
        let onPool = cooperativePool
        func runWorkers(_ rounds: Int) async throws {
            try await withThrowingTaskGroup(of: Void.self) { workers in
                for _ in 0..<benchCase.connections {
                    workers.addTask {
                        if onPool {
                            try await BenchWorker.run(client: client, arguments: arguments, pipeline: pipeline, rounds: rounds)
                        } else {
                            try await runner.run(client: client, arguments: arguments, pipeline: pipeline, rounds: rounds)
                        }
                    }
                }
                try await workers.waitForAll()
            }
        }
        try await runWorkers(warmup)
        let start = ContinuousClock.now
        try await runWorkers(perWorker)
        let elapsed = ContinuousClock.now - start
        return Double(perWorker * benchCase.connections * pipeline) / elapsed.secondsDouble
    }

    /// The reference side: redis-benchmark with the same command, connections and pipelining, one thread.
    func runReference(_ benchCase: BenchCase, command: [String], configuration: RedisConfiguration) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments = [redisBenchmark, "-h", configuration.host, "-p", String(configuration.port),
                         "-c", String(benchCase.connections), "-P", String(benchCase.pipeline), "-n", String(requests),
                         "--dbnum", String(configuration.database), "--csv"]
        if let password = configuration.password { arguments += ["-a", password] }
        if let user = configuration.username { arguments += ["--user", user] }
        process.arguments = arguments + command
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        // CSV: a header line, then "NAME","rps",...
        for line in text.split(whereSeparator: \.isNewline).reversed() {
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            if fields.count > 1, let rate = Double(fields[1]) { return rate }
        }
        throw ValidationError("could not read redis-benchmark's output: \(text.prefix(300))")
    }
}

extension EventLoopTaskExecutor {
    /// Runs one benchmark connection's work on this event loop, so a reply resumes its sender on the thread that
    /// read it, as redis-benchmark's single thread does.
    func run(client: RedisClient, arguments: [RESPArgument], pipeline: Int, rounds: Int) async throws {
        try await withTaskExecutorPreference(self) {
            try await BenchWorker.run(client: client, arguments: arguments, pipeline: pipeline, rounds: rounds)
        }
    }
}

/// One benchmark connection's work: `rounds` round trips of `pipeline` commands.
enum BenchWorker {
    static func run(client: RedisClient, arguments: [RESPArgument], pipeline: Int, rounds: Int,
                    isolation: isolated (any Actor)? = #isolation) async throws {
        if pipeline == 1, arguments.first?.description == "EVALSHA" {
            // Scripts go through the helper users call (EVALSHA with NOSCRIPT fallback), not a raw send.
            let keys = [arguments[3]]
            for _ in 0..<rounds { _ = try await client.evalSHA(BenchCase.incrementScript, keys: keys) }
        } else if pipeline == 1 {
            for _ in 0..<rounds { _ = try await client.send(arguments) }
        } else {
            let batch = Array(repeating: arguments, count: pipeline)
            for _ in 0..<rounds {
                for result in try await client.pipeline(batch) { _ = try result.get() }
            }
        }
    }
}

/// One benchmark case: the command, the connections and the commands in flight per connection.
struct BenchCase: Sendable {
    let name: String
    let connections: Int
    let pipeline: Int
    /// Prepares the server (keys, scripts) and returns the command both sides send.
    let prepare: @Sendable (RedisClient) async throws -> [String]

    static let incrementScript = RedisScript("return redis.call('INCR', KEYS[1])")

    static let all: [BenchCase] = [
        BenchCase(name: "ping-c1", connections: 1, pipeline: 1) { _ in ["PING"] },
        BenchCase(name: "set-c1", connections: 1, pipeline: 1) { _ in ["SET", "bench:set", "xxx"] },
        BenchCase(name: "xadd-c1", connections: 1, pipeline: 1) { client in
            _ = try await client.del("bench:xadd")
            return ["XADD", "bench:xadd", "MAXLEN", "~", "10000", "*", "field", "value"]
        },
        BenchCase(name: "evalsha-c1", connections: 1, pipeline: 1) { client in
            try await client.scriptLoad(incrementScript)
            return ["EVALSHA", incrementScript.sha1, "1", "bench:eval"]
        },
        BenchCase(name: "xadd-c16-p16", connections: 16, pipeline: 16) { client in
            _ = try await client.del("bench:xadd")
            return ["XADD", "bench:xadd", "MAXLEN", "~", "10000", "*", "field", "value"]
        },
        BenchCase(name: "hgetall-c16-p16", connections: 16, pipeline: 16) { client in
            _ = try await client.hset("bench:hash", fields: (0..<10).map { ("field\($0)", RESPArgument("value-\($0)-xx")) })
            return ["HGETALL", "bench:hash"]
        },
    ]
}
