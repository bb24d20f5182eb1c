import NIOCore
import Synchronization
import Testing
@testable import ShopRedis

/// Two fake nodes, A and B, that answer `GET hello` (slot 866) as the scenario says.
private final class Scenario: Sendable {
    enum Mode: Sendable {
        /// A serves every slot.
        case normal
        /// A answers MOVED to B once; from then on both say B serves every slot.
        case moved, movedDone
        /// A answers ASK to B; B answers only after ASKING (MOVED back to A otherwise).
        case ask
        /// A answers TRYAGAIN `tryAgainLeft` times.
        case tryAgain
        /// A answers CLUSTERDOWN forever.
        case clusterDown
        /// A serves slots 0…100 only: slot 866 has no owner.
        case partialMap
        /// A serves 0…8191, B 8192…16383; each answers EVALSHA with NOSCRIPT until it got SCRIPT LOAD.
        case split
    }

    struct State: Sendable {
        var mode: Mode
        var portA = 0
        var portB = 0
        var tryAgainLeft = 2
        var loaded: Set<Int> = []
    }

    let state: Mutex<State>

    init(_ mode: Mode) {
        state = Mutex(State(mode: mode))
    }

    static func text(_ string: String) -> RESPValue { .bulkString(ByteBuffer(string: string)) }
    static func error(_ line: String) -> RESPValue { .error(RedisServerError(line: line)) }

    func respond(node port: Int, _ command: [String], asking: Bool) -> RESPValue? {
        state.withLock { state in
            let isA = port == state.portA
            switch (command.first?.uppercased(), command.dropFirst().first?.uppercased()) {
            case ("CLUSTER", "SHARDS"):
                switch state.mode {
                case .movedDone: return shardsReply([(0...16383, port: state.portB)])
                case .partialMap: return shardsReply([(0...100, port: state.portA)])
                case .split: return shardsReply([(0...8191, port: state.portA), (8192...16383, port: state.portB)])
                default: return shardsReply([(0...16383, port: state.portA)])
                }
            case ("SCRIPT", "LOAD"):
                state.loaded.insert(port)
                return Self.text("sha")
            case ("EVALSHA", _):
                return state.loaded.contains(port) ? Self.text(isA ? "ranOnA" : "ranOnB") : Self.error("NOSCRIPT No matching script")
            case ("GET", _):
                switch (state.mode, isA) {
                case (.moved, true):
                    state.mode = .movedDone
                    return Self.error("MOVED 866 127.0.0.1:\(state.portB)")
                case (.movedDone, true): return Self.error("MOVED 866 127.0.0.1:\(state.portB)")
                case (.ask, true): return Self.error("ASK 866 127.0.0.1:\(state.portB)")
                case (.ask, false): return asking ? Self.text("fromB") : Self.error("MOVED 866 127.0.0.1:\(state.portA)")
                case (.tryAgain, true) where state.tryAgainLeft > 0:
                    state.tryAgainLeft -= 1
                    return Self.error("TRYAGAIN Multiple keys request during rehashing of slot")
                case (.clusterDown, true): return Self.error("CLUSTERDOWN The cluster is down")
                default: return Self.text(isA ? "fromA" : "fromB")
                }
            default:
                return nil
            }
        }
    }
}

@Suite("Cluster redirects against fake nodes that answer MOVED and ASK on demand")
struct RedisClusterRedirectTests {
    private func withFakeCluster(_ mode: Scenario.Mode, _ body: (RedisClient, FakeClusterNode, FakeClusterNode) async throws -> Void) async throws {
        let scenario = Scenario(mode)
        let portA = Mutex(0), portB = Mutex(0)
        let a = FakeClusterNode { command, asking in scenario.respond(node: portA.withLock { $0 }, command, asking: asking) }
        let b = FakeClusterNode { command, asking in scenario.respond(node: portB.withLock { $0 }, command, asking: asking) }
        let (pa, pb) = (try await a.start(), try await b.start())
        portA.withLock { $0 = pa }
        portB.withLock { $0 = pb }
        scenario.state.withLock { $0.portA = pa; $0.portB = pb }
        var configuration = try RedisConfiguration(url: "redis://127.0.0.1:\(pa),127.0.0.1:\(pb)")
        configuration.connectTimeout = .seconds(20)
        configuration.commandTimeout = .seconds(20)
        configuration.poolSize = 1
        let client = RedisClient(configuration: configuration, logger: testLogger)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await client.run() }
                defer { group.cancelAll() }
                try await body(client, a, b)
            }
        } catch {
            await a.stop()
            await b.stop()
            throw error
        }
        await a.stop()
        await b.stop()
    }

    @Test func movedIsRetriedAtTheNewOwnerAndTheMapFollows() async throws {
        try await withFakeCluster(.moved) { client, a, b in
            let first = try await client.send("GET", "hello").string
            let second = try await client.send("GET", "hello").string
            #expect(first == "fromB" && second == "fromB")
            #expect(a.commands("GET").count == 1, "after MOVED the map sends the slot to B directly")
            #expect(b.commands("GET").count == 2)
        }
    }

    @Test func askSendsAskingOnceAndLeavesTheMap() async throws {
        try await withFakeCluster(.ask) { client, a, b in
            let first = try await client.send("GET", "hello").string
            #expect(first == "fromB")
            #expect(b.commands("GET").map(\.asking) == [true], "ASKING preceded the retry on the same connection")
            let second = try await client.send("GET", "hello").string
            #expect(second == "fromB")
            #expect(a.commands("GET").count == 2, "ASK does not change the map: the slot still goes to A first")
        }
    }

    @Test func tryAgainIsRetriedAfterAPause() async throws {
        try await withFakeCluster(.tryAgain) { client, a, _ in
            let reply = try await client.send("GET", "hello").string
            #expect(reply == "fromA")
            #expect(a.commands("GET").count == 3)
        }
    }

    @Test func clusterDownFailsWithATypedErrorWithinItsBound() async throws {
        try await withFakeCluster(.clusterDown) { client, a, _ in
            let start = ContinuousClock.now
            await #expect { try await client.send("GET", "hello") } throws: { ($0 as? RedisClientError)?.code == .unavailable }
            #expect(ContinuousClock.now - start < .seconds(15), "bounded, never a hang")
            #expect(a.commands("GET").count == client.configuration.clusterMaxAttempts)
        }
    }

    @Test func aSlotWithoutAnOwnerFailsWithATypedError() async throws {
        try await withFakeCluster(.partialMap) { client, a, b in
            await #expect { try await client.send("GET", "hello") } throws: { ($0 as? RedisClientError)?.code == .unavailable }
            #expect(a.commands("GET").isEmpty && b.commands("GET").isEmpty)
        }
    }

    @Test func keysInDifferentSlotsAreRefusedBeforeSending() async throws {
        try await withFakeCluster(.normal) { client, a, _ in
            await #expect { try await client.send("MGET", "hello", "foo") } throws: { ($0 as? RedisClientError)?.code == .unroutable }
            await #expect { try await client.pipeline([["GET", "hello"], ["MGET", "hello", "foo"]]) } throws: {
                ($0 as? RedisClientError)?.code == .unroutable
            }
            await #expect { try await client.withDedicatedConnection { _ in 1 } } throws: { ($0 as? RedisClientError)?.code == .unroutable }
            await #expect { try await client.scanAll(match: "*") } throws: { ($0 as? RedisClientError)?.code == .unroutable }
            #expect(a.commands("MGET").isEmpty && a.commands("GET").isEmpty)
        }
    }

    @Test func aPipelineFollowsMovedAndKeepsTheCallersOrder() async throws {
        try await withFakeCluster(.moved) { client, _, b in
            let replies = try await client.pipeline([["GET", "hello"], ["PING"], ["GET", "hello"]])
            #expect(try replies.map { try $0.get().string } == ["fromB", "PONG", "fromB"])
            #expect(b.commands("GET").count == 2)
        }
    }

    @Test func scriptsAreLoadedOnEveryPrimaryOnNoscript() async throws {
        try await withFakeCluster(.split) { client, a, b in
            let script = RedisScript("return 1")
            let onA = try await client.evalSHA(script, keys: ["hello"]).string    // slot 866: A
            let onB = try await client.evalSHA(script, keys: ["foo"]).string      // slot 12182: B
            #expect(onA == "ranOnA" && onB == "ranOnB")
            #expect(a.commands("SCRIPT").count == 1 && b.commands("SCRIPT").count == 1, "one load per node")
        }
    }
}
