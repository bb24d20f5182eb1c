import Foundation
import ShopDomain
import ShopEventStore
import ShopRedis
import Testing

@Suite("Replay, rebuild and verify")
struct RebuildTests {
    @Test("rebuild over 10,000 events equals the inline projection")
    func rebuildEqualsInline() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            var orders: [Order] = []
            for batch in 0..<10 {
                let drafts = (0..<500).map { index in
                    Order(id: "", productIDs: (0...(index % 5)).map { "p\($0)" } + ["p0"], customerID: "c\(batch)")
                }
                orders += try await h.store.create(drafts)
            }
            // 4,000 updates and 1,000 deletes, mixed, in batches of 250.
            var events: [NewEvent] = []
            for index in 0..<5_000 {
                var order = orders[index]
                if index % 5 == 4 {
                    events.append(NewEvent(action: .deleted, aggregateID: order.id, entity: []))
                } else {
                    order.productIDs.append("extra\(index)")
                    events.append(NewEvent(action: .updated, aggregateID: order.id, entity: Array(try JSONEncoder().encode(order))))
                }
            }
            for start in stride(from: 0, to: events.count, by: 250) {
                _ = try await h.store.append(Array(events[start..<start + 250]), topic: .order)
            }
            // The inline projection as list reads serve it; equal to the rebuilt one, which verify then checks
            // against the fold of the events (one verify is enough for both).
            let before = try await h.store.findAllJSON(.order)

            let report = try await h.store.rebuild(.order)
            #expect(report.events == 10_000)
            #expect(report.entities == 4_000)
            let after = try await h.store.findAllJSON(.order)
            let decoder = JSONDecoder()
            #expect(try decoder.decode([Order].self, from: Data(after)) == decoder.decode([Order].self, from: Data(before)))
            #expect(try await h.store.verify(.order).isEmpty)
            // Appends keep working on the rebuilt projection.
            let more = try await h.store.create([Order(id: "", productIDs: ["p1"], customerID: "c")])
            #expect(try await h.store.findAll(Order.self).last == more.first)
        }
    }

    @Test("verify reports a tampered projection; rebuild repairs it")
    func verifyFindsDrift() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            let products = try await h.store.create([Product(id: "", name: "A", price: 1), Product(id: "", name: "B", price: 2)])
            let inventory = try await h.store.create([Inventory(id: "", productID: products[0].id, amount: 3)])
            let keys = TopicKeys(.product)
            _ = try await h.client.send("HSET", RESPArgument(keys.entity(products[0].id)), "price", "99")
            _ = try await h.client.send("ZREM", RESPArgument(keys.ids), RESPArgument(products[1].id))
            let differences = try await h.store.verify(.product)
            #expect(Set(differences.map(\.kind)) == [.entity, .missing])
            #expect(Set(differences.map(\.aggregateID)) == Set(products.map(\.id)))

            _ = try await h.client.send("HDEL", RESPArgument(TopicKeys(.inventory).unique("product_id")), RESPArgument(products[0].id))
            #expect(try await h.store.verify(.inventory).map(\.kind) == [.unique])
            // The read-optimised JSON copy is checked too: it is what list reads serve.
            var tampered = inventory[0]
            tampered.amount = 1
            _ = try await h.client.send("HSET", RESPArgument(TopicKeys(.inventory).documents), RESPArgument(inventory[0].id),
                                        RESPArgument(bytes: Array(try JSONEncoder().encode(tampered))))
            #expect(try await h.store.verify(.inventory).map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.document, .unique])
            #expect(try await h.store.find(Inventory.self, id: inventory[0].id)?.amount == 1)

            _ = try await h.store.rebuild(.product)
            _ = try await h.store.rebuild(.inventory)
            #expect(try await h.store.verify(.product).isEmpty)
            #expect(try await h.store.verify(.inventory).isEmpty)
            #expect(try await h.store.findAll(Product.self) == products)
            #expect(try await h.store.findAll(Inventory.self) == inventory)
        }
    }

    @Test("a rebuild racing with appends retries and still ends equal to the events")
    func rebuildUnderWrites() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            _ = try await h.store.create((0..<2_000).map { Customer(id: "", name: "n\($0)", email: "e\($0)@x.io") })
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for index in 0..<20 {
                        _ = try await h.store.create([Customer(id: "", name: "late\(index)", email: "l@x.io")])
                    }
                }
                group.addTask { _ = try await h.store.rebuild(.customer) }
                try await group.waitForAll()
            }
            #expect(try await h.store.verify(.customer).isEmpty)
            #expect(try await h.store.findAll(Customer.self).count == 2_020)
        }
    }
}
