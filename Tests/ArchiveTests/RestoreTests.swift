import Foundation
import ShopArchive
import ShopDomain
import ShopEventStore
import ShopRedis
import Testing
import ShopStockLedger

@Suite("Restore after Redis lost its data")
struct RestoreTests {
    /// What the shop reads from Redis: each topic's entities (bytes, in list order), versions, unique index, reservations.
    struct Snapshot: Equatable {
        var entities: [Topic: String] = [:]
        var versions: [Topic: [String: String]] = [:]
        var unique: [String: [String: String]] = [:]
        var reservations: [String: [String: String]] = [:]
    }

    static func hash(_ redis: RedisClient, _ key: String) async throws -> [String: String] {
        var result: [String: String] = [:]
        for pair in try await redis.send("HGETALL", RESPArgument(key)).pairs ?? [] {
            result[pair.key.string ?? ""] = pair.value.string ?? ""
        }
        return result
    }

    static func snapshot(_ harness: ArchiveHarness) async throws -> Snapshot {
        var snapshot = Snapshot()
        for topic in Topic.allCases {
            let keys = TopicKeys(topic)
            // Objects compared with sorted keys: JSON objects have no order (JSONEncoder's differs from run to run).
            let json = try JSONSerialization.jsonObject(with: Data(try await harness.store.findAllJSON(topic)))
            snapshot.entities[topic] = String(decoding: try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]), as: UTF8.self)
            snapshot.versions[topic] = try await hash(harness.redis, keys.versions)
        }
        snapshot.unique["product_id"] = try await hash(harness.redis, TopicKeys(.inventory).unique("product_id"))
        snapshot.unique["order_id"] = try await hash(harness.redis, TopicKeys(.billing).unique("order_id"))
        let reserved = try await harness.redis.send("ZRANGE", RESPArgument(StockLedger.reservationsKey), "0", "-1")
        for order in (reserved.array ?? []).compactMap(\.string) {
            snapshot.reservations[order] = try await hash(harness.redis, StockLedger.reservationKey(order))
        }
        return snapshot
    }

    /// A small shop's history: creates, updates, deletes of every topic, orders with reservations, a billing.
    static func shopHistory(_ store: EventStore) async throws -> [String] {
        let products = try await store.create((0..<4).map { Product(id: "", name: "Product \($0) \"quoted\" / é", price: 100 + $0) })
        _ = try await store.create(products.map { Inventory(id: "", productID: $0.id, amount: 10) })
        var customers = try await store.create((0..<4).map { Customer(id: "", name: "Customer \($0)", email: "c\($0)@example.com") })
        customers[1].name = "Renamed"
        try await store.update(customers[1])
        try await store.delete(Customer.self, id: customers[3].id)
        var orderIDs: [String] = []
        for index in 0..<3 {
            let order = Order(id: EntityID.make(), productIDs: [products[index].id, products[index].id, products[3].id],
                              customerID: customers[index].id)
            _ = try await StockLedger(store: store, logger: store.logger).reserveStock(orderID: order.id, productIDs: order.productIDs)
            _ = try await store.append([NewEvent(action: .created, aggregateID: order.id, entity: try ArchiveHarness.json(order),
                                                 expectedVersion: 0)], topic: .order)
            orderIDs.append(order.id)
        }
        _ = try await StockLedger(store: store, logger: store.logger).swapReservation(orderID: orderIDs[1], productIDs: [products[2].id])
        try await store.update(Order(id: orderIDs[1], productIDs: [products[2].id], customerID: customers[1].id))
        _ = try await StockLedger(store: store, logger: store.logger).releaseStock(orderID: orderIDs[2])
        try await store.delete(Order.self, id: orderIDs[2])
        _ = try await store.create([Billing(id: "", orderID: orderIDs[0], done: 1_700_000_000)])
        return orderIDs
    }

    @Test("restore after FLUSHALL gives projections, versions, unique index and reservations equal to those before; the shop goes on")
    func restoreAfterFlushAll() async throws {
        try await ArchiveHarness.run { harness in
            let orderIDs = try await Self.shopHistory(harness.store)
            let archiver = harness.archiver()
            try await withBackground([archiver]) {
                let done = try await eventually { try await harness.archive.count() == harness.totalStreamLength() }
                #expect(done)
            }
            let before = try await Self.snapshot(harness)
            let lastBefore = try #require(try await harness.archive.latestEntryID(of: .customer))
            _ = try await harness.redis.send("FLUSHALL")

            let reports = try await ArchiveRestore(archive: harness.archive, store: harness.store, logger: harness.logger).run()
            #expect(reports.reduce(0) { $0 + $1.events } == (try await harness.archive.count()))
            let after = try await Self.snapshot(harness)
            #expect(after == before)
            for topic in Topic.allCases where after.entities[topic] != before.entities[topic] || after.versions[topic] != before.versions[topic] {
                Issue.record("\(topic): before \(before.entities[topic] ?? "") \(before.versions[topic] ?? [:]) after \(after.entities[topic] ?? "") \(after.versions[topic] ?? [:])")
            }
            if after.unique != before.unique { Issue.record("unique: before \(before.unique) after \(after.unique)") }
            if after.reservations != before.reservations { Issue.record("reservations: before \(before.reservations) after \(after.reservations)") }
            // The restored projection agrees with the archived events in everything verify compares (documents too).
            let differences = try await ArchiveRestore(archive: harness.archive, store: harness.store, logger: harness.logger).verify()
            #expect(differences.isEmpty, "\(differences)")

            // The shop goes on: new ids continue after the archived ones, new entities list after the restored ones.
            let added = try await harness.store.create([Customer(id: "", name: "After", email: "after@example.com")])
            let stored = try await harness.redis.xrange(TopicKeys(.customer).stream(.created))
            #expect(stored.count == 1 && EntryID(stored[0].id)! > lastBefore)
            #expect(try await harness.store.findAll(Customer.self).last?.id == added[0].id)
            // A restored order's reservation is released as if Redis had never lost it.
            let inventory = try await harness.store.findAll(Inventory.self)
            _ = try await harness.ledger.releaseStock(orderID: orderIDs[0])
            let released = try await harness.store.findAll(Inventory.self)
            let stockBefore: Int = inventory.map(\.amount).reduce(0, +)
            let stockAfter: Int = released.map(\.amount).reduce(0, +)
            #expect(stockAfter == stockBefore + 3)

            // Restore refuses to write over data Redis still holds.
            await #expect(throws: ArchiveError.self) {
                try await ArchiveRestore(archive: harness.archive, store: harness.store, logger: harness.logger).run()
            }
        }
    }
}
