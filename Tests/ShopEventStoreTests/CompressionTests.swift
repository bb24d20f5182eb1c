import Foundation
import ShopDomain
import ShopEventStore
import ShopRedis
import Testing

@Suite("Compressed entities")
struct CompressionTests {
    /// An order of ~2 KB: 50 product ids, all different (random UUIDs: the hardest case for gzip).
    static func bigOrder() -> Order {
        Order(id: "", productIDs: (0..<50).map { _ in UUID().uuidString.lowercased() }, customerID: UUID().uuidString.lowercased())
    }

    static func storedFields(_ h: StoreHarness, _ stream: String) async throws -> [[String: [UInt8]]] {
        let reply = try await h.client.send("XRANGE", RESPArgument(stream), "-", "+")
        return (reply.array ?? []).map { entry in
            let fields = entry.array?.last?.array ?? []
            var values: [String: [UInt8]] = [:]
            for index in stride(from: 0, to: fields.count - 1, by: 2) {
                values[fields[index].string ?? ""] = fields[index + 1].bytes.map { Array($0.readableBytesView) }
            }
            return values
        }
    }

    @Test("entities over the threshold are stored gzip, smaller, and read back unchanged; small ones stay JSON")
    func roundTrip() async throws {
        try await StoreHarness.run(compressionThreshold: 1024) { (h: StoreHarness) async throws in
            let big = try await h.store.create([Self.bigOrder()])[0]
            let small = try await h.store.create([Order(id: "", productIDs: ["p"], customerID: "c")])[0]
            let stored = try await Self.storedFields(h, TopicKeys(.order).stream(.created))
            let rawBig = try JSONEncoder().encode(big)
            #expect(rawBig.count > 1024)
            #expect(stored[0]["enc"] == Array("gzip".utf8))
            #expect(try #require(stored[0]["entity"]).count < rawBig.count)
            #expect(stored[1]["enc"] == Array("json".utf8))

            let events = try await h.store.replay(.order, limit: 10)
            #expect(try events[0].decode(Order.self) == big)
            #expect(try events[1].decode(Order.self) == small)
            #expect(try await h.store.find(Order.self, id: big.id) == big)
            #expect(try await h.store.verify(.order).isEmpty)
        }
    }

    @Test("a corrupt or oversized gzip entry is a corruptEvent error, not a crash")
    func corruptEntries() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            let stream = TopicKeys(.product).stream(.created)
            func add(_ entity: [UInt8], enc: String) async throws {
                _ = try await h.client.send("XADD", RESPArgument(stream), "*", "event_id", "e", "entity", RESPArgument(bytes: entity),
                                            "aggregate_id", "a", "version", "1", "occurred_at", "0", "correlation_id", "", "enc", RESPArgument(enc))
            }
            try await add(Array("definitely not gzip".utf8), enc: "gzip")
            var error = await #expect(throws: EventStoreError.self) { try await h.store.replay(.product, limit: 10) }
            #expect(error?.code == .corruptEvent)

            _ = try await h.client.send("DEL", RESPArgument(stream))
            let bomb = Gzip.compress([UInt8](repeating: 0, count: 4 << 20))
            try await add(bomb, enc: "gzip")
            let small = EventStore(redis: h.client, logger: h.logger, maxEntitySize: 1 << 20)
            error = await #expect(throws: EventStoreError.self) { try await small.replay(.product, limit: 10) }
            #expect(error?.code == .corruptEvent)

            _ = try await h.client.send("DEL", RESPArgument(stream))
            try await add(Array("{}".utf8), enc: "rot13")
            error = await #expect(throws: EventStoreError.self) { try await h.store.replay(.product, limit: 10) }
            #expect(error?.code == .corruptEvent)
        }
    }
}
