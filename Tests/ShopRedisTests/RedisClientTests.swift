import Logging
import NIOCore
import NIOPosix
import ShopTestSupport
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

    @Test func recoversByItselfWhenRedisIsKilledAndRestarted() async throws {
        try await withRedis(.init(appendOnly: true), configure: { $0.maxReconnectDelay = .milliseconds(100) }) { (client, server) async throws in
            let key = uniqueKey()
            _ = try await client.send("SET", RESPArgument(key), "kept")
            server.kill()
            // Every caller gets a clear error while Redis is down, not a hang.
            await #expect { try await client.send("GET", RESPArgument(key)) } throws: {
                guard let error = $0 as? RedisClientError else { return false }
                return error.code == .unavailable || error.code == .connectionClosed
            }
            try await server.restart()
            #expect(await eventually { (try? await client.send("GET", RESPArgument(key)).string) == "kept" })
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
