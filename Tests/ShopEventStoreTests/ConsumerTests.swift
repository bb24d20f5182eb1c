import Foundation
import Logging
import ServiceLifecycle
import ShopDomain
import ShopEventStore
import ShopRedis
import Synchronization
import Testing

/// Counts handler calls and effects per event id, from many tasks.
final class EffectLog: Sendable {
    private let state = Mutex<(calls: [String: Int], effects: [String: Int])>(([:], [:]))
    func called(_ id: String) { state.withLock { $0.calls[id, default: 0] += 1 } }
    func affected(_ id: String) { state.withLock { $0.effects[id, default: 0] += 1 } }
    var calls: [String: Int] { state.withLock { $0.calls } }
    var effects: [String: Int] { state.withLock { $0.effects } }
}

/// Runs a consumer in its own service group, so a test can stop it gracefully or kill it (cancel).
struct RunningConsumer: Sendable {
    let group: ServiceGroup
    let task: Task<Void, any Error>

    init(_ consumer: EventConsumer, logger: Logger) {
        let group = ServiceGroup(services: [consumer], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
        self.group = group
        self.task = Task { try await group.run() }
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }

    func kill() async {
        task.cancel()
        _ = await task.result
    }
}

@Suite("Consumer groups")
struct ConsumerTests {
    static let fast = ConsumerConfiguration(claimIdle: .seconds(60), maxDeliveries: 3, batchSize: 50,
                                            block: .milliseconds(100), retryDelay: .milliseconds(50))

    static func customers(_ count: Int, prefix: String) -> [Customer] {
        (0..<count).map { Customer(id: "", name: "\(prefix)\($0)", email: "\(prefix)\($0)@example.com") }
    }

    @Test("a consumer stopped while 1,000 events arrive catches up on start, each effect exactly once")
    func catchUp() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            let log = EffectLog()
            let once = Idempotency(redis: h.client, namespace: "crm")
            let handler: @Sendable (StoredEvent) async throws -> Void = { event in
                log.called(event.eventID)
                if try await once.once(key: event.eventID) { log.affected(event.eventID) }
            }
            func consumer() -> EventConsumer {
                EventConsumer(redis: h.client, group: "crm", consumer: "crm-1", streams: [EventStreamID(.customer, .created)],
                              configuration: Self.fast, logger: h.logger, handler: handler)
            }
            let first = RunningConsumer(consumer(), logger: h.logger)
            _ = try await h.store.create(Self.customers(10, prefix: "early"))
            #expect(try await StoreHarness.eventually { log.effects.count == 10 })
            try await first.stop()

            for batch in 0..<10 {
                _ = try await h.store.create(Self.customers(100, prefix: "late\(batch)-"))
            }
            let second = RunningConsumer(consumer(), logger: h.logger)
            #expect(try await StoreHarness.eventually { log.effects.count == 1_010 })
            try await second.stop()
            #expect(log.effects.values.allSatisfy { $0 == 1 })
            #expect(log.calls.values.allSatisfy { $0 == 1 })
            let events = try await h.store.replay(.customer, limit: 2_000)
            #expect(Set(log.effects.keys) == Set(events.map(\.eventID)))
            let group = try await h.store.status().streams.first { $0.name == "events:{customer}_created" }?.groups.first
            #expect(group?.name == "crm")
            #expect(group?.pending == 0)
            #expect(group?.lag == 0)
        }
    }

    @Test("a consumer killed mid-handler: another claims its entry and the effect happens once")
    func killedMidHandler() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            let log = EffectLog()
            let once = Idempotency(redis: h.client, namespace: "billing")
            let victim = try await h.store.create(Self.customers(1, prefix: "victim"))[0]
            let hung = Mutex(false)
            let doomed = EventConsumer(redis: h.client, group: "billing", consumer: "doomed", streams: [EventStreamID(.customer, .created)],
                                       configuration: Self.fast, logger: h.logger) { event in
                log.called(event.eventID)
                if try await once.once(key: event.eventID) { log.affected(event.eventID) }
                // The effect happened; the process dies before acknowledging.
                hung.withLock { $0 = true }
                try await Task.sleep(for: .seconds(3600))
            }
            let first = RunningConsumer(doomed, logger: h.logger)
            #expect(try await StoreHarness.eventually { hung.withLock { $0 } })
            await first.kill()
            _ = try await h.store.create(Self.customers(5, prefix: "after"))

            var rescue = Self.fast
            rescue.claimIdle = .milliseconds(300)
            let survivor = EventConsumer(redis: h.client, group: "billing", consumer: "survivor",
                                         streams: [EventStreamID(.customer, .created)], configuration: rescue,
                                         logger: h.logger) { event in
                log.called(event.eventID)
                if try await once.once(key: event.eventID) { log.affected(event.eventID) }
            }
            let second = RunningConsumer(survivor, logger: h.logger)
            let events = try await h.store.replay(.customer, limit: 100)
            let victimEvent = try #require(events.first { $0.aggregateID == victim.id })
            #expect(try await StoreHarness.eventually { log.calls[victimEvent.eventID] == 2 && log.effects.count == 6 })
            try await second.stop()
            #expect(log.effects[victimEvent.eventID] == 1)
            #expect(log.effects.values.allSatisfy { $0 == 1 })
            let group = try await h.store.status().streams.first { $0.name == "events:{customer}_created" }?.groups.first
            #expect(group?.pending == 0)
        }
    }

    @Test("a poison entry goes to the dead letter after N deliveries while later entries flow")
    func poisonToDeadLetter() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            let log = EffectLog()
            let poison = try await h.store.create(Self.customers(1, prefix: "poison"))[0]
            let consumer = EventConsumer(redis: h.client, group: "crm", consumer: "crm-1", streams: EventStreamID.all(of: [.customer]),
                                         configuration: Self.fast, logger: h.logger) { event in
                log.called(event.eventID)
                if event.aggregateID == poison.id { throw EventStoreError(.invalidInput, "cannot handle this one") }
                log.affected(event.eventID)
            }
            let running = RunningConsumer(consumer, logger: h.logger)
            _ = try await h.store.create(Self.customers(20, prefix: "good"))
            #expect(try await StoreHarness.eventually { log.effects.count == 20 })
            let deadLetter = TopicKeys(.customer).deadLetter
            #expect(try await StoreHarness.eventually { try await h.client.send("XLEN", RESPArgument(deadLetter)).int == 1 })
            try await running.stop()

            let entries = try await h.client.send("XRANGE", RESPArgument(deadLetter), "-", "+")
            let fields = try #require(entries.array?.first?.array?.last?.array)
            var values: [String: String] = [:]
            for index in stride(from: 0, to: fields.count - 1, by: 2) {
                values[fields[index].string ?? ""] = fields[index + 1].string
            }
            #expect(values["deliveries"] == "3")
            #expect(values["aggregate_id"] == poison.id)
            #expect(values["error"]?.contains("cannot handle this one") == true)
            #expect(values["stream"] == "events:{customer}_created")
            #expect(log.calls.values.max() == 3)
            let status = try await h.store.status()
            #expect(status.deadLetters["customer"] == 1)
            #expect(status.streams.first { $0.name == "events:{customer}_created" }?.groups.first?.pending == 0)
        }
    }

    @Test("graceful shutdown ends a read blocked in Redis at once (not after its BLOCK), and what comes later is read on the next start")
    func shutdownEndsBlockedRead() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            let log = EffectLog()
            var configuration = Self.fast
            configuration.block = .seconds(30)
            let handler: @Sendable (StoredEvent) async throws -> Void = { log.affected($0.eventID) }
            func consumer() -> EventConsumer {
                EventConsumer(redis: h.client, group: "crm", consumer: "crm-1", streams: [EventStreamID(.customer, .created)],
                              configuration: configuration, logger: h.logger, handler: handler)
            }
            let first = RunningConsumer(consumer(), logger: h.logger)
            _ = try await h.store.create(Self.customers(1, prefix: "first"))
            #expect(try await StoreHarness.eventually { log.effects.count == 1 })
            try await Task.sleep(for: .milliseconds(200))   // back in its 30 s read
            let clock = ContinuousClock()
            let stopped = try await clock.measure { try await first.stop() }
            #expect(stopped < .seconds(5), "stopped after \(stopped), a read blocking for 30 s was not ended")

            _ = try await h.store.create(Self.customers(1, prefix: "later"))
            let second = RunningConsumer(consumer(), logger: h.logger)
            #expect(try await StoreHarness.eventually { log.effects.count == 2 })
            try await second.stop()
            #expect(log.effects.values.allSatisfy { $0 == 1 })
        }
    }

    @Test("idempotency: once per key, again after forget")
    func idempotency() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            let once = Idempotency(redis: h.client, namespace: "msg")
            #expect(try await once.once(key: "k1"))
            #expect(try await !once.once(key: "k1"))
            try await once.forget(key: "k1")
            #expect(try await once.once(key: "k1"))
        }
    }
}
