import NIOCore
import Testing
@testable import ShopRedis

@Suite("Scripts")
struct RedisScriptTests {
    @Test func sha1MatchesRedis() async throws {
        #expect(RedisScript("").sha1 == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(RedisScript("return 1").sha1 == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db")
        let long = RedisScript(String(repeating: "-- padding to cross a 64-byte block boundary\n", count: 5) + "return redis.call('GET', KEYS[1])")
        try await withRedis { (client, _) async throws in
            let sha = try await client.scriptLoad(long)
            #expect(sha == long.sha1)
        }
    }

    @Test func evalSHALoadsOnNOSCRIPTAlsoAfterAFlush() async throws {
        let script = RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
        try await withRedis { (client, _) async throws in
            let key = uniqueKey()
            #expect(try await client.evalSHA(script, keys: [RESPArgument(key)], arguments: [5]).int == 5)
            #expect(try await client.evalSHA(script, keys: [RESPArgument(key)], arguments: [1]).int == 6)
            _ = try await client.send("SCRIPT", "FLUSH")
            #expect(try await client.send("SCRIPT", "EXISTS", RESPArgument(script.sha1)).array?.first?.int == 0)
            #expect(try await client.evalSHA(script, keys: [RESPArgument(key)], arguments: [1]).int == 7)
        }
    }

    @Test func aScriptErrorIsAServerError() async throws {
        try await withRedis { (client, _) async throws in
            await #expect(throws: RedisServerError.self) {
                try await client.evalSHA(RedisScript("return redis.error_reply('CONFLICT version')"))
            }
            do {
                _ = try await client.evalSHA(RedisScript("return redis.error_reply('CONFLICT version')"))
            } catch let error as RedisServerError {
                #expect(error.prefix == "CONFLICT")
            }
        }
    }
}
