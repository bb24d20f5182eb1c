import ShopDomain
import ShopEventStore
import ShopRedis
import Testing

@Suite("Monitoring data")
struct StatusTests {
    @Test("status lists each stream with length, first/last id, memory, groups with lag and pending")
    func status() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            var customers = try await h.store.create((0..<5).map { Customer(id: "", name: "c\($0)", email: "c\($0)@x.io") })
            customers[0].name = "renamed"
            try await h.store.update(customers[0])
            let created = TopicKeys(.customer).stream(.created)
            _ = try await h.client.send("XGROUP", "CREATE", RESPArgument(created), "crm-service", "0")
            _ = try await h.client.send("XREADGROUP", "GROUP", "crm-service", "crm-1", "COUNT", "2", "STREAMS", RESPArgument(created), ">")

            let status = try await h.store.status()
            let events = try await h.store.replay(.customer, limit: 100)
            let stream = try #require(status.streams.first { $0.name == created })
            #expect(stream.length == 5)
            #expect(stream.firstEntryID == events.first?.entryID.description)
            #expect(stream.lastEntryID == events.filter { $0.action == .created }.last?.entryID.description)
            #expect((stream.memoryBytes ?? 0) > 0)
            let group = try #require(stream.groups.first)
            #expect(group.name == "crm-service")
            #expect(group.lag == 3)
            #expect(group.pending == 2)
            #expect(group.consumers.map(\.name) == ["crm-1"])
            #expect(group.consumers.first?.pending == 2)
            #expect(status.streams.first { $0.name == TopicKeys(.customer).stream(.updated) }?.length == 1)
            #expect(!status.streams.contains { $0.name == TopicKeys(.order).stream(.created) })   // never written
            #expect(status.deadLetters == Dictionary(uniqueKeysWithValues: Topic.allCases.map { ($0.rawValue, 0) }))
        }
    }

    @Test("stream names map back to topic and action")
    func streamNames() {
        for topic in Topic.allCases {
            for action in EventAction.allCases {
                let parsed = TopicKeys.parse(stream: TopicKeys(topic).stream(action))
                #expect(parsed?.topic == topic && parsed?.action == action)
            }
        }
        for bad in ["events:{order}", "events:{nope}_created", "deadletter:{order}", "events:{order}_renamed", "x"] {
            #expect(TopicKeys.parse(stream: bad) == nil)
        }
    }
}
