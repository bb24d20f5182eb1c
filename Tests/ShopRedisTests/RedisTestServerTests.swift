import Foundation
import ShopTestSupport
import Testing
@testable import ShopRedis

@Suite("RedisTestServer")
struct RedisTestServerTests {
    @Test func gracefulRestartKeepsAppendOnlyDataAndStopCleansUp() async throws {
        let server = try await RedisTestServer.start(.init(appendOnly: true))
        let configuration = try RedisConfiguration(url: server.url)
        let first = try await RedisConnection.connect(configuration: configuration, eventLoop: .singletonMultiThreadedEventLoopGroup.next(), logger: testLogger)
        _ = try await first.set("kept", to: "yes")
        await first.close()
        await server.shutdown()
        #expect(!server.isRunning)
        try await server.restart()
        let second = try await RedisConnection.connect(configuration: configuration, eventLoop: .singletonMultiThreadedEventLoopGroup.next(), logger: testLogger)
        #expect(try await second.getString("kept") == "yes")
        await second.close()
        server.stop()
        #expect(!server.isRunning)
        #expect(!FileManager.default.fileExists(atPath: server.directory))
    }
}
