import Logging
import NIOCore
import NIOPosix
import ShopTestSupport
import ServiceLifecycle
import Synchronization
import Testing
@testable import ShopRedis

@Suite("Pooled client against a real Redis")
struct RedisClientTests {
    @Test func sixtyFourConcurrentTasksShareAPoolOfFour() async throws {
        try await withRedis(configure: { $0.poolSize = 4 }) { client, _ in
            let key = uniqueKey()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<64 {
                    group.addTask {
                        for step in 0..<50 {
                            let field = "t\(task)-\(step)"
                            let added = try await client.send("HSET", RESPArgument(key), RESPArgument(field), RESPArgument(step))
                            let read = try await client.send("HGET", RESPArgument(key), RESPArgument(field))
                            #expect(added.int == 1)
                            #expect(read.int == step)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await client.send("HLEN", RESPArgument(key)).int == 64 * 50)
            let clients = try await client.send("CLIENT", "LIST").string ?? ""
            #expect(clients.split(separator: "\n").count == 4, "only the pool's four connections")
        }
    }

    @Test func aSendBeforeRunHasConnectedWaitsForTheConnection() async throws {
        let server = try await RedisTestServer.start()
        defer { server.stop() }
        let client = RedisClient(configuration: try RedisConfiguration(url: server.url), logger: testLogger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            // The command is issued first; run() starts after it, and the command still succeeds.
            group.addTask {
                let reply = try await client.send("ECHO", "early")
                #expect(reply.string == "early")
            }
            group.addTask { try await client.run() }
            try await group.next()
            group.cancelAll()
        }
    }

    @Test func aSendWithoutRunFailsClearlyAfterTheConnectTimeout() async throws {
        var configuration = RedisConfiguration(port: try freePort())
        configuration.connectTimeout = .milliseconds(200)
        let client = RedisClient(configuration: configuration, logger: testLogger)
        await #expect { try await client.send("PING") } throws: { ($0 as? RedisClientError)?.code == .unavailable }
    }

    @Test func recoversByItselfWhenRedisIsKilledAndRestartedMidRun() async throws {
        try await withRedis(.init(appendOnly: true), configure: { $0.maxReconnectDelay = .milliseconds(100) }) { (client, server) async throws in
            let key = uniqueKey()
            let script = RedisScript("return redis.call('GET', KEYS[1])")
            _ = try await client.set(key, to: "kept")
            #expect(try await client.evalSHA(script, keys: [RESPArgument(key)]).string == "kept")
            let load = LoadCounters()
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                // Callers keep working through the outage; every failure must be a clear client error, never a hang.
                for _ in 0..<8 {
                    tasks.addTask {
                        while !load.stop.load(ordering: .relaxed) {
                            do {
                                _ = try await client.send("GET", RESPArgument(key))
                                load.successes.add(1, ordering: .relaxed)
                            } catch let error as RedisClientError where [.unavailable, .connectionClosed].contains(error.code) {
                                try await Task.sleep(for: .milliseconds(5))
                            } catch {
                                load.unexpectedErrors.withLock { $0.append("\(error)") }
                            }
                        }
                    }
                }
                #expect(await eventually { load.successes.load(ordering: .relaxed) > 100 })
                server.kill()
                await #expect { try await client.send("GET", RESPArgument(key)) } throws: {
                    guard let error = $0 as? RedisClientError else { return false }
                    return error.code == .unavailable || error.code == .connectionClosed
                }
                try await server.restart()
                let before = load.successes.load(ordering: .relaxed)
                #expect(await eventually { load.successes.load(ordering: .relaxed) > before + 100 }, "the load recovers without a restart of the client")
                load.stop.store(true, ordering: .relaxed)
                try await tasks.waitForAll()
            }
            #expect(load.unexpectedErrors.withLock { $0 }.isEmpty)
            #expect(try await client.getString(key) == "kept")
            // The restart dropped the script cache: EVALSHA reloads it transparently.
            #expect(try await client.evalSHA(script, keys: [RESPArgument(key)]).string == "kept")
            // All four slots are back, not just one.
            #expect(await eventually { ((try? await client.send("CLIENT", "LIST").string) ?? "").split(separator: "\n").count == 4 })
        }
    }

    @Test func aCancelledBlockingReadLeavesThePoolHealthy() async throws {
        try await withRedis { (client, _) async throws in
            let key = uniqueKey()
            let reader = Task { try await client.sendBlocking(["BLPOP", RESPArgument(key), 0], blockFor: nil) }
            // Wait until the read really blocks on the server.
            #expect(await eventually { ((try? await client.send("INFO", "clients").string) ?? "").contains("blocked_clients:1") })
            let started = ContinuousClock.now
            #expect(try await client.send("PING").string == "PONG", "a blocked read never delays other commands")
            #expect(ContinuousClock.now - started < .seconds(2))
            reader.cancel()
            await #expect(throws: CancellationError.self) { try await reader.value }
            // The dedicated connection was closed, not returned: nothing stays blocked, a push is not swallowed.
            #expect(await eventually { ((try? await client.send("INFO", "clients").string) ?? "").contains("blocked_clients:0") })
            _ = try await client.send("RPUSH", RESPArgument(key), "v")
            #expect(try await client.sendBlocking(["BLPOP", RESPArgument(key), 1], blockFor: .seconds(1)).array?.last?.string == "v")
        }
    }

    @Test func dedicatedConnectionsAreReusedAfterNormalUse() async throws {
        try await withRedis { (client, _) async throws in
            let first = try await client.withDedicatedConnection { try await $0.send("CLIENT", "ID").int! }
            let second = try await client.withDedicatedConnection { try await $0.send("CLIENT", "ID").int! }
            #expect(first == second)
            let (a, b) = try await client.withDedicatedConnection { outer in
                try await client.withDedicatedConnection { inner in
                    (try await outer.send("CLIENT", "ID").int!, try await inner.send("CLIENT", "ID").int!)
                }
            }
            #expect(a != b, "two leases at once are two connections")
        }
    }

    @Test func dedicatedConnectionsLeasedBeforeRunAreKeptAndClosedAtShutdown() async throws {
        let server = try await RedisTestServer.start()
        defer { server.stop() }
        let client = RedisClient(configuration: try RedisConfiguration(url: server.url), logger: testLogger)
        // run() has not started yet (as when a test's body outruns its child task): the lease is still kept.
        let first = try await client.withDedicatedConnection { try await $0.send("CLIENT", "ID").int! }
        let second = try await client.withDedicatedConnection { try await $0.send("CLIENT", "ID").int! }
        #expect(first == second)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            try await client.ping()
            group.cancelAll()
            try await group.waitForAll()
        }
        let probe = try await RedisConnection.connect(configuration: try RedisConfiguration(url: server.url),
                                                      eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: testLogger)
        #expect(await eventually { ((try? await probe.send("CLIENT", "LIST").string) ?? "").split(separator: "\n").count == 1 })
        await probe.close()
    }

    @Test func gracefulShutdownOfAServiceGroupStopsTheClient() async throws {
        let server = try await RedisTestServer.start()
        defer { server.stop() }
        let client = RedisClient(configuration: try RedisConfiguration(url: server.url), logger: testLogger)
        let serviceGroup = ServiceGroup(services: [client], logger: testLogger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await serviceGroup.run() }
            try await client.ping()
            #expect(try await client.withDedicatedConnection { try await $0.send("PING").string } == "PONG")
            await serviceGroup.triggerGracefulShutdown()
            try await group.waitForAll()
        }
        await #expect { try await client.send("PING") } throws: { ($0 as? RedisClientError)?.code == .shutdown }
        // Every connection, pooled and dedicated, is closed: only the probe's own connection remains.
        let probe = try await RedisConnection.connect(configuration: try RedisConfiguration(url: server.url),
                                                      eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: testLogger)
        #expect(await eventually { ((try? await probe.send("CLIENT", "LIST").string) ?? "").split(separator: "\n").count == 1 })
        await probe.close()
    }

    @Test func runStopsCleanlyAndLaterCommandsFailWithShutdown() async throws {
        let server = try await RedisTestServer.start()
        defer { server.stop() }
        let client = RedisClient(configuration: try RedisConfiguration(url: server.url), logger: testLogger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            try await client.ping()
            group.cancelAll()
            try await group.waitForAll()
        }
        await #expect { try await client.send("PING") } throws: { ($0 as? RedisClientError)?.code == .shutdown }
    }
}

/// Shared state of a background load: how it went and when to stop.
final class LoadCounters: Sendable {
    let successes = Atomic<Int>(0)
    let stop = Atomic<Bool>(false)
    let unexpectedErrors = Mutex<[String]>([])
}
