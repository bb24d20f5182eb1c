import NIOCore
import Testing
@testable import ShopRedis

@Suite("Cluster topology from CLUSTER SHARDS and CLUSTER SLOTS")
struct RedisClusterTopologyTests {
    static let seed = RedisNodeAddress(host: "127.0.0.1", port: 7000)

    static func text(_ string: String) -> RESPValue { .bulkString(ByteBuffer(string: string)) }

    static func node(_ port: Int, role: String, health: String = "online", endpoint: String = "127.0.0.1") -> RESPValue {
        .array([text("id"), text("n\(port)"), text("port"), .integer(Int64(port)), text("ip"), text("127.0.0.1"),
                text("endpoint"), text(endpoint), text("role"), text(role), text("replication-offset"), .integer(0),
                text("health"), text(health)])
    }

    static func shard(_ ranges: [(Int, Int)], _ nodes: [RESPValue]) -> RESPValue {
        .array([text("slots"), .array(ranges.flatMap { [RESPValue.integer(Int64($0.0)), .integer(Int64($0.1))] }),
                text("nodes"), .array(nodes)])
    }

    @Test func parsesThreeShardsWithReplicas() throws {
        let reply = RESPValue.array([
            Self.shard([(0, 5460)], [Self.node(7000, role: "master"), Self.node(7003, role: "replica")]),
            Self.shard([(5461, 10922)], [Self.node(7001, role: "master"), Self.node(7004, role: "replica")]),
            Self.shard([(10923, 16383)], [Self.node(7005, role: "replica"), Self.node(7002, role: "master")]),
        ])
        let topology = try RedisClusterTopology(shardsReply: reply, answeredBy: Self.seed)
        #expect(topology.coversAllSlots)
        #expect(topology.primaries.map(\.port) == [7000, 7001, 7002])
        #expect(topology.primary(for: RedisHashSlot(key: "hello"))?.port == 7000)   // slot 866
        #expect(topology.primary(for: RedisHashSlot(key: "bar"))?.port == 7000)     // slot 5061
        #expect(topology.primary(for: RedisHashSlot(key: "foo"))?.port == 7002)     // slot 12182
        #expect(topology.primary(for: RedisHashSlot(5461)!)?.port == 7001)
        #expect(topology.shards[2].replicas.map(\.port) == [7005])
    }

    @Test("replicas a write may wait for: online and loading ones count, failed ones do not")
    func liveReplicas() throws {
        let reply = RESPValue.array([
            Self.shard([(0, 8000)], [Self.node(7000, role: "master"), Self.node(7003, role: "replica", health: "loading")]),
            Self.shard([(8001, 16383)], [Self.node(7001, role: "master"), Self.node(7004, role: "replica", health: "fail")]),
        ])
        let topology = try RedisClusterTopology(shardsReply: reply, answeredBy: Self.seed)
        #expect(topology.shard(for: RedisHashSlot(key: "hello"))?.liveReplicas == 1)   // slot 866
        #expect(topology.shard(for: RedisHashSlot(key: "foo"))?.liveReplicas == 0)     // slot 12182
        #expect(topology.shard(for: RedisHashSlot(key: "foo"))?.replicas.count == 1)
    }

    @Test func aFailedOldPrimaryIsNotChosenOverThePromotedReplica() throws {
        let reply = RESPValue.array([
            Self.shard([(0, 16383)], [Self.node(7000, role: "master", health: "fail"), Self.node(7003, role: "master")]),
        ])
        let topology = try RedisClusterTopology(shardsReply: reply, answeredBy: Self.seed)
        #expect(topology.primaries == [RedisNodeAddress(host: "127.0.0.1", port: 7003)])
    }

    @Test func shardsWithoutSlotsAndUnknownEndpointsAreHandled() throws {
        let reply = RESPValue.array([
            Self.shard([(0, 100)], [Self.node(7001, role: "master", endpoint: "?")]),
            Self.shard([], [Self.node(7009, role: "master", health: "fail")]),
        ])
        let topology = try RedisClusterTopology(shardsReply: reply, answeredBy: Self.seed)
        #expect(topology.shards.count == 1)
        #expect(topology.primary(for: RedisHashSlot(50)!) == RedisNodeAddress(host: "127.0.0.1", port: 7001))
        #expect(topology.primary(for: RedisHashSlot(101)!) == nil)
        #expect(!topology.coversAllSlots)
    }

    @Test func parsesClusterSlotsWithAnEmptyHost() throws {
        let reply = RESPValue.array([
            .array([.integer(0), .integer(8191), .array([Self.text(""), .integer(7000), Self.text("a")]),
                    .array([Self.text("127.0.0.1"), .integer(7003), Self.text("b")])]),
            .array([.integer(8192), .integer(16383), .array([Self.text("10.0.0.2"), .integer(7001), Self.text("c")])]),
        ])
        let topology = try RedisClusterTopology(slotsReply: reply, answeredBy: Self.seed)
        #expect(topology.coversAllSlots)
        #expect(topology.primary(for: RedisHashSlot(0)!) == Self.seed)
        #expect(topology.primary(for: RedisHashSlot(16383)!) == RedisNodeAddress(host: "10.0.0.2", port: 7001))
    }

    @Test func aMalformedReplyIsAnUnexpectedReply() {
        #expect { try RedisClusterTopology(shardsReply: .integer(1), answeredBy: Self.seed) } throws: {
            ($0 as? RedisClientError)?.code == .unexpectedReply
        }
    }

    @Test func movedPatchesOneSlot() {
        let a = RedisNodeAddress(host: "127.0.0.1", port: 7000), b = RedisNodeAddress(host: "127.0.0.1", port: 7001)
        var topology = RedisClusterTopology(shards: [.init(slots: [0...16383], primary: a)])
        topology.assign(RedisHashSlot(866)!, to: b)
        #expect(topology.primary(for: RedisHashSlot(866)!) == b)
        #expect(topology.primary(for: RedisHashSlot(867)!) == a)
        #expect(Set(topology.primaries) == [a, b])
    }
}

@Suite("Cluster redirects and their retry rules, without I/O")
struct RedisClusterRetryStateTests {
    let here = RedisNodeAddress(host: "10.0.0.1", port: 7000)
    let there = RedisNodeAddress(host: "10.0.0.2", port: 7001)

    @Test func parsesRedirectReplies() {
        #expect(RedisClusterRedirect(RedisServerError(line: "MOVED 3999 10.0.0.2:7001"), answeredBy: here) == .moved(RedisHashSlot(3999)!, there))
        #expect(RedisClusterRedirect(RedisServerError(line: "ASK 3999 10.0.0.2:7001"), answeredBy: here) == .ask(RedisHashSlot(3999)!, there))
        #expect(RedisClusterRedirect(RedisServerError(line: "MOVED 1 :7001"), answeredBy: here)
                == .moved(RedisHashSlot(1)!, RedisNodeAddress(host: "10.0.0.1", port: 7001)))
        #expect(RedisClusterRedirect(RedisServerError(line: "MOVED 1 [::1]:7001"), answeredBy: here)
                == .moved(RedisHashSlot(1)!, RedisNodeAddress(host: "::1", port: 7001)))
        #expect(RedisClusterRedirect(RedisServerError(line: "TRYAGAIN Multiple keys request during rehashing of slot"), answeredBy: here) == .tryAgain)
        #expect(RedisClusterRedirect(RedisServerError(line: "CLUSTERDOWN The cluster is down"), answeredBy: here) == .clusterDown)
        #expect(RedisClusterRedirect(RedisServerError(line: "MOVED 99999 10.0.0.2:7001"), answeredBy: here) == nil)
        #expect(RedisClusterRedirect(RedisServerError(line: "WRONGTYPE Operation"), answeredBy: here) == nil)
    }

    @Test func movedRetriesAtTheNewOwnerAtOnceAndRefreshesTheMap() {
        var state = RedisClusterRetryState()
        #expect(state.next(after: .redirect(.moved(RedisHashSlot(1)!, there))) == .retry(.node(there, asking: false), after: .zero, refreshTopology: true))
    }

    @Test func askRetriesOnceWithAskingAndLeavesTheMap() {
        var state = RedisClusterRetryState()
        #expect(state.next(after: .redirect(.ask(RedisHashSlot(1)!, there))) == .retry(.node(there, asking: true), after: .zero, refreshTopology: false))
        // The next failure goes back to the slot's owner by the map.
        #expect(state.next(after: .redirect(.tryAgain)) == .retry(.slotOwner, after: .milliseconds(20), refreshTopology: false))
    }

    @Test func tryAgainAndClusterDownBackOffWithinABoundThenGiveUp() {
        var state = RedisClusterRetryState(maxAttempts: 8)
        var delays: [Duration] = []
        for _ in 0..<7 {
            guard case .retry(.slotOwner, let delay, let refresh) = state.next(after: .redirect(.clusterDown)) else {
                Issue.record("expected a retry")
                return
            }
            #expect(refresh)
            delays.append(delay)
        }
        #expect(delays == [20, 40, 80, 160, 320, 500, 500].map { Duration.milliseconds($0) })
        #expect(state.next(after: .redirect(.clusterDown)) == .giveUp(refreshTopology: true))
    }

    @Test func endlessRedirectsEndToo() {
        var state = RedisClusterRetryState(maxAttempts: 3)
        #expect(state.next(after: .redirect(.moved(RedisHashSlot(1)!, there))) != .giveUp(refreshTopology: true))
        #expect(state.next(after: .redirect(.moved(RedisHashSlot(1)!, here))) != .giveUp(refreshTopology: true))
        #expect(state.next(after: .redirect(.moved(RedisHashSlot(1)!, there))) == .giveUp(refreshTopology: true))
    }

    @Test func aCommandThatMayHaveRunIsNotRepeated() {
        var state = RedisClusterRetryState()
        #expect(state.next(after: .connectionLost) == .fail(refreshTopology: true))
        #expect(state.next(after: .other) == .fail(refreshTopology: false))
        #expect(state.next(after: .unreachable) == .retry(.slotOwner, after: .milliseconds(20), refreshTopology: true))
        #expect(state.next(after: .noOwner) == .retry(.slotOwner, after: .milliseconds(40), refreshTopology: true))
    }
}
