import NIOCore
import NIOPosix
import ShopTestSupport
import Synchronization
import Testing
@testable import ShopRedis

@Suite("Cluster client on a real local 3+3 cluster", .sharedRedisCluster)
struct RedisClusterIntegrationTests {
    @Test func ourSlotsAgreeWithClusterKeyslot() async throws {
        try await withClusterClient { client, _ in
            let keys = (0..<200).map { "key:\($0):\(UInt64.random(in: 0...UInt64.max))" }
                + ["{order}_ids", "events:{customer}_created", "foo{}{bar}", "foo{{bar}}zap", "foo{bar}{zap}", "{}", "é{ü}"]
            let replies = try await client.pipeline(keys.map { ["CLUSTER", "KEYSLOT", RESPArgument($0)] })
            for (key, reply) in zip(keys, replies) {
                #expect(try reply.get().int == Int(RedisHashSlot(key: key).rawValue), "\(key)")
            }
        }
    }

    @Test func everyCommandReachesItsSlotsOwner() async throws {
        try await withClusterClient { client, cluster in
            let prefix = uniqueKey()
            for index in 0..<60 {
                _ = try await client.send("SET", RESPArgument("\(prefix):\(index)"), RESPArgument(index))
            }
            for index in 0..<60 {
                #expect(try await client.send("GET", RESPArgument("\(prefix):\(index)")).int == index)
            }
            // The keys really are spread over the three primaries, each on the node that owns its slot.
            var owners: Set<Int> = []
            for index in 0..<60 {
                let key = "\(prefix):\(index)"
                let port = try #require(cluster.primaryPort(forSlot: Int(RedisHashSlot(key: key).rawValue)))
                owners.insert(port)
                let direct = try await RedisConnection.connect(configuration: RedisConfiguration(port: port),
                                                               eventLoop: MultiThreadedEventLoopGroup.singleton.any(), logger: testLogger)
                #expect(try await direct.send("EXISTS", RESPArgument(key)).int == 1)
                await direct.close()
            }
            #expect(owners.count == 3)
        }
    }

    @Test func aPipelineAcrossSlotsAnswersInTheCallersOrder() async throws {
        try await withClusterClient { client, _ in
            let prefix = uniqueKey()
            var commands: [[RESPArgument]] = []
            for index in 0..<150 {
                commands.append(["SET", RESPArgument("\(prefix):\(index)"), RESPArgument(index)])
                commands.append(["INCR", RESPArgument("\(prefix):\(index)")])
                commands.append(["GET", RESPArgument("\(prefix):\(index)")])
            }
            let replies = try await client.pipeline(commands)
            #expect(replies.count == commands.count)
            for index in 0..<150 {
                #expect(try replies[3 * index].get().string == "OK")
                #expect(try replies[3 * index + 1].get().int == index + 1)
                #expect(try replies[3 * index + 2].get().int == index + 1)
            }
            // Error replies stay in their place.
            let text: [[RESPArgument]] = [["SET", RESPArgument("\(prefix):s"), "x"], ["INCR", RESPArgument("\(prefix):s")], ["GET", RESPArgument("\(prefix):s")]]
            let mixed = try await client.pipeline(text)
            let last = try mixed[2].get().string
            #expect(mixed[1].isFailure && last == "x")
        }
    }

    @Test func scriptsAreLoadedOnEachNodeTheyRunOn() async throws {
        try await withClusterClient { client, cluster in
            let script = RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
            let tags = ["a", "b", "c", "d", "e", "f", "g", "h"].map { "{\($0)}" + uniqueKey() }
            let nodes = Set(tags.compactMap { cluster.primaryPort(forSlot: Int(RedisHashSlot(key: $0).rawValue)) })
            #expect(nodes.count == 3, "the keys span every primary")
            for key in tags { #expect(try await client.evalSHA(script, keys: [RESPArgument(key)], arguments: [5]).int == 5) }
            // Every primary forgets its scripts: the next run reloads per node, without a caller noticing.
            _ = try await client.send("SCRIPT", "FLUSH")
            for key in tags { #expect(try await client.evalSHA(script, keys: [RESPArgument(key)], arguments: [1]).int == 6) }
        }
    }

    @Test func aBlockingGroupReadWaitsOnTheStreamsOwnerAndWakes() async throws {
        try await withClusterClient { client, _ in
            let stream = "events:{\(uniqueKey())}_created"
            try await client.xgroupCreate(stream, group: "g", id: "$")
            try await expectBlockingReadWakes(client, stream: stream)
            // A dedicated connection by key lands on the same owner.
            let length = try await client.withDedicatedConnection(forKey: stream) { try await $0.send("XLEN", RESPArgument(stream)).int }
            #expect(length == 1)
        }
    }
}

@Suite("Cluster client through a master failover")
struct RedisClusterFailoverTests {
    @Test func theClientFollowsTheNewPrimaryWithoutARestart() async throws {
        let cluster = try await RedisClusterTestServer.start()
        defer { cluster.stop() }
        try await withClusterClient(cluster, configure: { $0.connectTimeout = .seconds(2) }) { client, cluster in
            let tag = "{\(uniqueKey())}"
            let key = tag + "value", stream = "events:" + tag + "_created"
            // Written and replicated before the crash (WAIT runs after SET on the same node's connection).
            let written = try await client.pipeline([["SET", RESPArgument(key), "before"], ["WAIT", "1", "5000"]])
            #expect(try written[1].get().int == 1)
            try await client.xgroupCreate(stream, group: "g", id: "$")
            let slot = Int(RedisHashSlot(key: key).rawValue)
            let oldPrimary = try #require(cluster.primaryPort(forSlot: slot))
            let otherKey = try #require((0..<1000).map { "other\($0)" }.first {
                cluster.primaryPort(forSlot: Int(RedisHashSlot(key: $0).rawValue)) != oldPrimary
            })

            // A blocking read is under way on the primary when it dies: it fails (and does not hang).
            let interrupted = await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    (try? await client.xreadgroup(group: "g", consumer: "c", streams: [(stream, ">")], block: .seconds(30))) == nil
                }
                try? await Task.sleep(for: .milliseconds(200))
                cluster.node(port: oldPrimary)?.kill()
                return await group.next() ?? false
            }
            #expect(interrupted)
            #expect(try await client.send("SET", RESPArgument(otherKey), "meanwhile").string == "OK", "other slots keep working")

            // Within the failover window commands fail with a typed error; then they work again on the new primary.
            let recovered = await eventually(timeout: .seconds(30)) { (try? await client.send("SET", RESPArgument(key + "x"), "after")) != nil }
            #expect(recovered)
            #expect(cluster.primaryPort(forSlot: slot) != oldPrimary)
            #expect(try await client.send("GET", RESPArgument(key)).string == "before")

            // The blocking read opens on the new primary.
            try await expectBlockingReadWakes(client, stream: stream)
        }
    }
}

@Suite("Cluster client while a slot migrates between real nodes")
struct RedisClusterMigrationTests {
    @Test func aMigratingSlotIsFollowedWithAskThenMovedOnRealNodes() async throws {
        let cluster = try await RedisClusterTestServer.start(masters: 3, replicasPerMaster: 0)
        defer { cluster.stop() }
        try await withClusterClient(cluster) { client, cluster in
            let key = "{migrating}" + uniqueKey()
            let slot = Int(RedisHashSlot(key: key).rawValue)
            _ = try await client.send("SET", RESPArgument(key), "v")
            let sourcePort = try #require(cluster.primaryPort(forSlot: slot))
            let ports = [sourcePort] + cluster.nodes.map(\.port).filter { $0 != sourcePort }
            var nodes: [RedisConnection] = []
            for port in ports {
                nodes.append(try await RedisConnection.connect(configuration: RedisConfiguration(port: port),
                                                               eventLoop: MultiThreadedEventLoopGroup.singleton.any(), logger: testLogger))
            }
            let (source, target) = (nodes[0], nodes[1])
            let sourceID = try await source.send("CLUSTER", "MYID").string ?? ""
            let targetID = try await target.send("CLUSTER", "MYID").string ?? ""

            // Half way: the key has moved, the slot has not; the source answers ASK for the key.
            _ = try await target.send("CLUSTER", "SETSLOT", RESPArgument(slot), "IMPORTING", RESPArgument(sourceID))
            _ = try await source.send("CLUSTER", "SETSLOT", RESPArgument(slot), "MIGRATING", RESPArgument(targetID))
            _ = try await source.send("MIGRATE", "127.0.0.1", RESPArgument(ports[1]), "", "0", "5000", "KEYS", RESPArgument(key))
            let duringMigration = try await client.send("GET", RESPArgument(key)).string
            #expect(duringMigration == "v")
            #expect(try await target.info("commandstats")["cmdstat_asking"]?.contains("calls=1,") == true, "ASKING went to the target")

            // Done: every node names the target as the slot's owner; the source answers MOVED, and the client's map follows.
            for node in [target, source, nodes[2]] {
                _ = try await node.send("CLUSTER", "SETSLOT", RESPArgument(slot), "NODE", RESPArgument(targetID))
            }
            let afterMigration = try await client.send("GET", RESPArgument(key)).string
            #expect(afterMigration == "v")
            #expect(try await source.info("errorstats")["errorstat_MOVED"] != nil, "the source answered MOVED")
            for _ in 0..<5 { _ = try await client.send("INCR", RESPArgument(key + ":n")) }
            #expect(try await target.send("GET", RESPArgument(key + ":n")).int == 5, "later commands go to the new owner directly")
            for node in nodes { await node.close() }
        }
    }
}

/// Starts `XREADGROUP … BLOCK` on `stream` (group `g`), appends an entry meanwhile, and expects the read to return it.
private func expectBlockingReadWakes(_ client: RedisClient, stream: String) async throws {
    try await withThrowingTaskGroup(of: [StreamReadResult].self) { group in
        group.addTask {
            try await client.xreadgroup(group: "g", consumer: "c", streams: [(stream, ">")], count: 10, block: .seconds(20))
        }
        try await Task.sleep(for: .milliseconds(200))
        let id = try await client.xadd(stream, fields: [("n", 1)])
        let read = try #require(try await group.next())
        #expect(read.first?.entries.map(\.id) == [id])
    }
}

extension Result {
    var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}
