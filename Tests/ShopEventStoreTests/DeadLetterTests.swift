import Foundation
import ShopDomain
import ShopEventStore
import ShopRedis
import Synchronization
import Testing

/// Dead letters as the console uses them (listed, replayed to their group, deleted), idle consumers forgotten,
/// and the two event reads under the console (newest first in pages; everything after a position).
@Suite("Dead letters, idle consumers and the console's event reads")
struct DeadLetterTests {
    @Test("a dead letter is listed with its event, cause and deliveries; replayed, its group handles it once; then it is gone")
    func replayToGroup() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            let log = EffectLog()
            let failing = Mutex(true)
            let poison = try await h.store.create(ConsumerTests.customers(1, prefix: "poison"))[0]
            let configuration = ConsumerConfiguration(claimIdle: .milliseconds(400), maxDeliveries: 1, batchSize: 50,
                                                      block: .milliseconds(100), retryDelay: .milliseconds(50), forgetIdle: .seconds(1))
            let consumer = EventConsumer(redis: h.client, group: "crm", consumer: "crm-1", streams: EventStreamID.all(of: [.customer]),
                                         configuration: configuration, logger: h.logger) { event in
                log.called(event.eventID)
                if event.aggregateID == poison.id, failing.withLock({ $0 }) { throw EventStoreError(.invalidInput, "not today") }
                log.affected(event.eventID)
            }
            let running = RunningConsumer(consumer, logger: h.logger)
            #expect(try await StoreHarness.eventually { try await h.store.deadLetters(limit: 10).count == 1 })
            let letter = try #require(try await h.store.deadLetters(topics: [.customer], group: "crm", limit: 10).first)
            #expect(letter.group == "crm" && letter.consumer == "crm-1")
            #expect(letter.error.contains("not today"))
            #expect(letter.deliveries == 1)
            #expect(letter.event?.aggregateID == poison.id)
            #expect(letter.stream == "events:{customer}_created")
            #expect(letter.deadLetteredAt > 0)
            #expect(try await h.store.deadLetters(topics: [.customer], group: "billing", limit: 10).isEmpty)

            failing.withLock { $0 = false }
            let result = try await h.store.replay([letter])
            #expect(result.replayed == 1 && result.unreplayable.isEmpty)
            #expect(try await h.store.deadLetters(limit: 10).isEmpty)
            let eventID = try #require(letter.event?.eventID)
            #expect(try await StoreHarness.eventually { log.effects[eventID] == 1 })
            // A second replay of the same letter finds nothing: it left the dead letters.
            #expect(try await h.store.replay([letter]).replayed == 0)
            // The consumer the replay handed the entry to holds nothing now and is forgotten after `forgetIdle`.
            #expect(try await StoreHarness.eventually {
                let names = try await h.store.status().streams.first { $0.name == "events:{customer}_created" }?
                    .groups.first?.consumers.map(\.name) ?? []
                return names == ["crm-1"]
            })
            try await running.stop()
            #expect(log.effects[eventID] == 1)
        }
    }

    @Test("a dead letter deleted is gone; one whose entry left its stream is not replayed but kept")
    func deleteAndUnreplayable() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            let poison = try await h.store.create(ConsumerTests.customers(2, prefix: "poison"))
            let configuration = ConsumerConfiguration(claimIdle: .seconds(60), maxDeliveries: 1, batchSize: 50,
                                                      block: .milliseconds(100), retryDelay: .milliseconds(50), forgetIdle: .seconds(600))
            let consumer = EventConsumer(redis: h.client, group: "crm", consumer: "crm-1", streams: EventStreamID.all(of: [.customer]),
                                         configuration: configuration, logger: h.logger,
                                         handler: { (_: StoredEvent) async throws in throw EventStoreError(.invalidInput, "never") })
            let running = RunningConsumer(consumer, logger: h.logger)
            #expect(try await StoreHarness.eventually { try await h.store.deadLetters(limit: 10).count == 2 })
            try await running.stop()
            let letters = try await h.store.deadLetters(limit: 10)
            #expect(Set(letters.compactMap(\.event?.aggregateID)) == Set(poison.map(\.id)))
            #expect(try await h.store.deleteDeadLetter(topic: .customer, id: letters[0].id))
            #expect(try await !h.store.deleteDeadLetter(topic: .customer, id: letters[0].id))
            #expect(try await h.store.deadLetter(topic: .customer, id: letters[0].id) == nil)

            _ = try await h.client.send("XDEL", RESPArgument(letters[1].stream), RESPArgument(letters[1].entryID))
            let result = try await h.store.replay([letters[1]])
            #expect(result.replayed == 0 && result.unreplayable == [letters[1].id])
            #expect(try await h.store.deadLetters(limit: 10).map(\.id) == [letters[1].id])
        }
    }

    @Test("consumers with no pending entry idle past the limit are removed; the caller and consumers holding entries stay")
    func forgetIdleConsumers() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            _ = try await h.store.create(ConsumerTests.customers(1, prefix: "a"))
            let stream = "events:{customer}_created"
            _ = try await h.client.send("XGROUP", "CREATE", RESPArgument(stream), "crm", "0")
            _ = try await h.client.send("XREADGROUP", "GROUP", "crm", "busy", "COUNT", "1", "STREAMS", RESPArgument(stream), ">")
            for name in ["gone-1", "gone-2", "me"] {
                _ = try await h.client.send("XGROUP", "CREATECONSUMER", RESPArgument(stream), "crm", RESPArgument(name))
            }
            try await Task.sleep(for: .milliseconds(1200))
            _ = try await h.client.send("XGROUP", "CREATECONSUMER", RESPArgument(stream), "crm", "fresh")
            let removed = try await EventStore.forgetIdleConsumers(stream: stream, group: "crm", idleLongerThan: .seconds(1),
                                                                   keeping: "me", on: h.client)
            #expect(removed.sorted() == ["gone-1", "gone-2"])
            let left = try await h.store.status().streams.first { $0.name == stream }?.groups.first?.consumers.map(\.name).sorted()
            #expect(left == ["busy", "fresh", "me"])
        }
    }

    @Test("recent events: newest first across topics, filtered, and pages that together hold each event once")
    func recentEventsInPages() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            var created: [String] = []
            for index in 0..<7 {
                let customer = try await h.store.create(ConsumerTests.customers(1, prefix: "c\(index)"))[0]
                created.append(customer.id)
                _ = try await h.store.create([Product(id: "", name: "p\(index)", price: index + 1)])
            }
            var updated = try #require(try await h.store.find(Customer.self, id: created[0]))
            updated.name = "renamed"
            _ = try await h.store.update(updated)

            let all = try await h.store.recentEvents(RecentEventFilter(), limit: 1000)
            #expect(all.events.count == 15 && all.next == nil)
            #expect(all.events.map(\.entryID) == all.events.map(\.entryID).sorted(by: >))
            #expect(all.events.first?.action == .updated)

            var filter = RecentEventFilter()
            filter.topics = [.customer]
            filter.actions = [.created]
            var seen: [String] = []
            var pages = 0
            repeat {
                let page = try await h.store.recentEvents(filter, limit: 3)
                seen += page.events.map(\.aggregateID)
                filter.before = page.next
                pages += 1
            } while filter.before != nil && pages < 10
            #expect(seen == created.reversed())

            var one = RecentEventFilter()
            one.aggregateID = created[0]
            #expect(try await h.store.recentEvents(one, limit: 10).events.map(\.action) == [.updated, .created])
        }
    }

    @Test("events after a position: each topic's new events in commit order; the newest ids move the position")
    func eventsAfterPosition() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            let start = try await h.store.newestEntryIDs()
            #expect(start.values.allSatisfy { $0 == "0-0" })
            let customers = try await h.store.create(ConsumerTests.customers(3, prefix: "c"))
            let events = try await h.store.events(after: start, limit: 100)
            #expect(events.map(\.aggregateID) == customers.map(\.id))
            let newest = try await h.store.newestEntryIDs()
            #expect(newest[.customer] == "\(events.last!.entryID)")
            #expect(try await h.store.events(after: newest, limit: 100).isEmpty)
        }
    }
}
