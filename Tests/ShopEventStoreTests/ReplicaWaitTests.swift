import Logging
import ShopDomain
import ShopEventStore
import ShopRedis
import ShopTestSupport
import Testing

@Suite("Writes that wait for replicas (REDIS_MIN_REPLICAS, WAIT)")
struct ReplicaWaitTests {
    @Test("a single server: no wait by default; REDIS_MIN_REPLICAS=1 without a replica fails with .notReplicated, after the write",
          .disabled(if: TestRedis.clusterRequested, "a single server's case"))
    func singleServer() async throws {
        let server = try await RedisTestServer.start()
        defer { server.stop() }
        for minReplicas in [nil, 1] as [Int?] {
            var configuration = try RedisConfiguration(url: server.url)
            configuration.minReplicas = minReplicas
            configuration.replicaWaitTimeout = .milliseconds(200)
            let client = RedisClient(configuration: configuration, logger: StoreHarness.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await client.run() }
                defer { group.cancelAll() }
                #expect(client.replicasRequired(forKeys: ["{customer}_ids"]) == (minReplicas ?? 0))
                let store = EventStore(redis: client, logger: StoreHarness.logger)
                let customer = ConsumerTests.customers(1, prefix: "wait\(minReplicas ?? 0)-")
                if minReplicas == nil {
                    _ = try await store.create(customer)
                } else {
                    let started = ContinuousClock.now
                    do {
                        _ = try await store.create(customer)
                        Issue.record("a write no replica confirmed was accepted")
                    } catch let error as EventStoreError {
                        #expect(error.code == .notReplicated, "\(error)")
                        #expect(error.message.contains("0 of 1 replica"), "\(error)")
                    }
                    #expect(ContinuousClock.now - started < .seconds(10), "it waited its timeout, not for ever")
                }
                // Either way the write happened on the primary (WAIT only tells whether replicas have it).
                let ids = try await store.findAll(Customer.self)
                #expect(ids.count == (minReplicas == nil ? 1 : 2))
            }
        }
    }

    @Test("a 1+1 cluster: a write waits for the replica and is on it when it returns; with the replica stopped it fails with .notReplicated",
          .disabled(if: TestRedis.clusterRequested, "starts its own cluster: once per make test is enough"))
    func clusterReplica() async throws {
        let cluster = try await RedisClusterTestServer.start(masters: 3, replicasPerMaster: 1, nodeTimeoutMilliseconds: 60_000)
        defer { cluster.stop() }
        var configuration = try RedisConfiguration(url: cluster.url)
        // 2 s: a loaded machine's replica may take that long to acknowledge; the stopped one below never does.
        configuration.replicaWaitTimeout = .seconds(2)
        let client = RedisClient(configuration: configuration, logger: StoreHarness.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            defer { group.cancelAll() }
            try await client.ping()
            let store = EventStore(redis: client, logger: StoreHarness.logger)
            // A new replica's first sync may outlast a WAIT: the first write is confirmed once the link is up.
            #expect(try await StoreHarness.eventually {
                (try? await store.create(ConsumerTests.customers(1, prefix: "first-"))) != nil
            }, "a first write is confirmed by the new replica")
            // A new cluster's gossip may not have told the node the client asked about every replica yet: the map
            // is read again every few seconds.
            #expect(try await StoreHarness.eventually { client.replicasRequired(forKeys: ["{customer}_ids"]) == 1 },
                    "the slot's primary has a replica")
            let slot = Int(RedisHashSlot(key: "{customer}").rawValue)
            let primary = try #require(cluster.primaryPort(forSlot: slot))
            #expect(try await StoreHarness.eventually { cluster.replicaPort(of: primary) != nil })
            let replica = try #require(cluster.replicaPort(of: primary))
            // Each answered write is on the replica at once: WAIT returned only after it had it.
            for index in 0..<20 {
                let ids = try await store.create(ConsumerTests.customers(1, prefix: "w\(index)-"))
                let key = "{customer}_entity:\(ids[0].id)"
                #expect(RedisClusterTestServer.query(port: replica, "EXISTS \(key)", readOnly: true) == "1", "\(key) on the replica")
            }
            // The replica stopped (SIGSTOP: the cluster still counts it, nothing acknowledges): the write fails, clearly.
            let node = try #require(cluster.node(port: replica))
            node.suspend()
            defer { node.resume() }
            let unconfirmed = await #expect(throws: EventStoreError.self) { _ = try await store.create(ConsumerTests.customers(1, prefix: "unconfirmed-")) }
            #expect(unconfirmed?.code == .notReplicated)
            node.resume()
            #expect(try await StoreHarness.eventually {
                (try? await store.create(ConsumerTests.customers(1, prefix: "again-"))) != nil
            }, "writes are confirmed again once the replica runs")
        }
    }
}
