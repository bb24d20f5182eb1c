import Logging
import NIOCore
import NIOPosix
import ShopTestSupport
import Testing
@testable import ShopRedis

@Suite("Connection against a real Redis")
struct RedisConnectionTests {
    @Test func tenThousandPipelinedCommandsComeBackInOrder() async throws {
        try await withRedis { (client, _) async throws in
            let key = uniqueKey()
            let commands: [[RESPArgument]] = (0..<10_000).map { _ in ["INCR", RESPArgument(key)] }
            let results = try await client.pipeline(commands)
            #expect(results.count == 10_000)
            #expect(results.enumerated().allSatisfy { (try? $0.element.get().int) == $0.offset + 1 })
        }
    }

    @Test func tenThousandConcurrentSendsOnOneConnectionComeBackInOrder() async throws {
        let server = try await RedisTestServer.start()
        defer { server.stop() }
        let connection = try await RedisConnection.connect(configuration: try RedisConfiguration(url: server.url),
                                                           eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: testLogger)
        let key = uniqueKey()
        // Each task appends its number; the list order must equal the order the replies report.
        let replies = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for index in 0..<10_000 {
                group.addTask { (index, try await connection.send("RPUSH", RESPArgument(key), RESPArgument(index)).int!) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        let list = try await connection.send("LRANGE", RESPArgument(key), 0, -1).array!.map { $0.int! }
        #expect(list.count == 10_000)
        for (position, index) in list.enumerated() { #expect(replies[index] == position + 1) }
        await connection.close()
    }

    @Test func aServerErrorCarriesItsPrefixAndFailsOnlyItsCommand() async throws {
        try await withRedis { (client, _) async throws in
            let key = uniqueKey()
            _ = try await client.send("SET", RESPArgument(key), "text")
            await #expect(throws: RedisServerError(prefix: "WRONGTYPE", message: "Operation against a key holding the wrong kind of value")) {
                try await client.send("LPUSH", RESPArgument(key), "x")
            }
            let results = try await client.pipeline([["GET", RESPArgument(key)], ["INCR", RESPArgument(key)], ["STRLEN", RESPArgument(key)]])
            #expect(try results[0].get().string == "text")
            #expect(throws: RedisServerError.self) { try results[1].get() }
            #expect(try results[2].get().int == 4)
        }
    }

    @Test func aCancelledWaitDoesNotDesynchroniseTheConnection() async throws {
        let server = try await RedisTestServer.start()
        defer { server.stop() }
        let connection = try await RedisConnection.connect(configuration: try RedisConfiguration(url: server.url),
                                                           eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: testLogger)
        let key = uniqueKey()
        let blocked = Task { try await connection.sendBlocking(["BLPOP", RESPArgument(key), 1], blockFor: .seconds(1)) }
        blocked.cancel()
        await #expect(throws: CancellationError.self) { try await blocked.value }
        // The BLPOP's reply (nil after 1 s) is consumed in order; the next reply is the ECHO's own.
        #expect(try await connection.send("ECHO", "mine").string == "mine")
        #expect(try await connection.send("PING").string == "PONG")
        await connection.close()
    }

    @Test func authenticatesSelectsAndNamesFromTheURL() async throws {
        let server = try await RedisTestServer.start(.init(password: "s3cret:@/"))
        defer { server.stop() }
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let configuration = try RedisConfiguration(url: "redis://:s3cret%3A%40%2F@127.0.0.1:\(server.port)/3")
        var named = configuration
        named.clientName = "shop-test"
        let connection = try await RedisConnection.connect(configuration: named, eventLoop: loop, logger: testLogger)
        #expect(try await connection.send("CLIENT", "GETNAME").string == "shop-test")
        _ = try await connection.send("SET", "where", "db3")
        let info = try await connection.send("CLIENT", "INFO").string ?? ""
        #expect(info.contains(" db=3 "))
        await connection.close()

        var wrong = configuration
        wrong.password = "nope"
        await #expect(throws: RedisServerError.self) {
            try await RedisConnection.connect(configuration: wrong, eventLoop: loop, logger: testLogger)
        }
    }

    @Test func anACLUserCanOnlyDoWhatItMay() async throws {
        let acl = """
        user default on nopass ~* &* +@all
        user reader on >readpw ~allowed:* -@all +get +ping
        """
        let server = try await RedisTestServer.start(.init(aclFile: acl))
        defer { server.stop() }
        let admin = try await RedisConnection.connect(configuration: try RedisConfiguration(url: server.url),
                                                      eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: testLogger)
        _ = try await admin.send("SET", "allowed:a", "1")
        _ = try await admin.send("SET", "secret:b", "2")
        let reader = try await RedisConnection.connect(configuration: try RedisConfiguration(url: "redis://reader:readpw@127.0.0.1:\(server.port)"),
                                                       eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: testLogger)
        #expect(try await reader.send("GET", "allowed:a").string == "1")
        await #expect { try await reader.send("GET", "secret:b") } throws: { ($0 as? RedisServerError)?.prefix == "NOPERM" }
        await #expect { try await reader.send("SET", "allowed:a", "x") } throws: { ($0 as? RedisServerError)?.prefix == "NOPERM" }
        #expect(try await reader.send("PING").string == "PONG", "the connection survives refused commands")
        await #expect { try await RedisConnection.connect(configuration: try RedisConfiguration(url: "redis://reader:wrong@127.0.0.1:\(server.port)"),
                                                          eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: testLogger) }
            throws: { ($0 as? RedisServerError)?.prefix == "WRONGPASS" }
        await admin.close()
        await reader.close()
    }

    @Test func aCommandTimeoutFailsTheCommandAndClosesTheConnection() async throws {
        let server = try await RedisTestServer.start()
        defer { server.stop() }
        var configuration = try RedisConfiguration(url: server.url)
        configuration.commandTimeout = .milliseconds(200)
        let connection = try await RedisConnection.connect(configuration: configuration, eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: testLogger)
        // DEBUG SLEEP holds the server longer than the timeout.
        await #expect { try await connection.send("DEBUG", "SLEEP", "2") } throws: { ($0 as? RedisClientError)?.code == .timeout }
        #expect(await eventually { !connection.isActive })
    }

    @Test func connectingToNothingFailsClearly() async throws {
        let port = try freePort()
        await #expect { try await RedisConnection.connect(configuration: RedisConfiguration(port: port), eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: testLogger) }
            throws: { ($0 as? RedisClientError)?.code == .unavailable }
    }
}
