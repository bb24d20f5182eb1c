import Logging
import ShopDomain
import ShopEventStore
import ShopRedis
import ShopTestSupport
import Synchronization
import Testing

@Suite("The event store on a 3+3 Redis Cluster through a master failover")
struct ClusterFailoverTests {
    @Test("a consumer follows its topic's new primary after kill -9 of the old one, and handles every event",
          .disabled(if: TestRedis.clusterRequested, "starts its own cluster: once per make test is enough"))
    func consumerFollowsTheNewPrimary() async throws {
        let cluster = try await RedisClusterTestServer.start()
        defer { cluster.stop() }
        var configuration = try RedisConfiguration(url: cluster.url)
        configuration.connectTimeout = .seconds(2)
        configuration.commandTimeout = .seconds(30)
        let logger = StoreHarness.logger
        let client = RedisClient(configuration: configuration, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            defer { group.cancelAll() }
            let store = EventStore(redis: client, logger: logger)
            let log = EffectLog()
            // Two topics on two slots: the consumer reads each on its own primary's connection.
            let consumer = EventConsumer(redis: client, group: "crm", consumer: "crm-1",
                                         streams: [EventStreamID(.customer, .created), EventStreamID(.order, .created)],
                                         configuration: ConsumerTests.fast, logger: logger) { event in log.called(event.eventID) }
            let running = RunningConsumer(consumer, logger: logger)
            _ = try await store.create(ConsumerTests.customers(5, prefix: "before"))
            #expect(try await StoreHarness.eventually { log.calls.count == 5 })
            // Replicated before the crash: WAIT runs on the connection of the topic's primary, after the writes.
            let synced = try await client.pipeline([["EXISTS", "{customer}_ids"], ["WAIT", "1", "5000"]])
            #expect(try synced[1].get().int == 1)

            let slot = Int(RedisHashSlot(key: "{customer}").rawValue)
            let oldPrimary = try #require(cluster.primaryPort(forSlot: slot))
            cluster.node(port: oldPrimary)?.kill()

            // Appends fail (503 material) until the replica is promoted, then work again without a restart.
            let appended = Atomic<Int>(0)
            #expect(try await StoreHarness.eventually(timeout: .seconds(60)) {
                if (try? await store.create(ConsumerTests.customers(1, prefix: "after\(appended.load(ordering: .relaxed))-"))) != nil {
                    appended.add(1, ordering: .relaxed)
                }
                return appended.load(ordering: .relaxed) >= 5
            })
            #expect(cluster.primaryPort(forSlot: slot) != oldPrimary)
            let events = try await store.replay(.customer, limit: 100)
            #expect(events.count >= 10)
            #expect(try await StoreHarness.eventually { Set(log.calls.keys) == Set(events.map(\.eventID)) },
                    "every event in the stream reached the handler on the new primary")
            try await running.stop()
        }
    }
}
