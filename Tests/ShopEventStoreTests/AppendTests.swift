import Foundation
import ShopDomain
import ShopEventStore
import ShopRedis
import Testing

@Suite("Append and queries")
struct AppendTests {
    @Test("created entities are visible at once, in creation order, with list fields and repeats")
    func createAndRead() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            let customers = try await h.store.create([
                Customer(id: "", name: "Alice", email: "alice@example.com"),
                Customer(id: "", name: "Bob \"the\" Builder", email: "bob@example.com"),
            ])
            #expect(try await h.store.findAll(Customer.self) == customers)
            #expect(try await h.store.find(Customer.self, id: customers[1].id) == customers[1])
            #expect(try await h.store.find(Customer.self, id: "no-such-id") == nil)

            let product = UUID().uuidString.lowercased()
            let orders = try await h.store.create([Order(id: "", productIDs: [product, product, "p2"], customerID: customers[0].id)])
            #expect(try await h.store.findAll(Order.self) == orders)
            let json = try await h.store.findAllJSON(.order)
            #expect(try JSONDecoder().decode([Order].self, from: Data(json)) == orders)
            #expect(try await h.store.exists(.customer, ids: [customers[0].id, "nope"]) == [true, false])
        }
    }

    @Test("update and delete change the projection and bump the version; unknown ids are notFound")
    func updateAndDelete() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            var product = try await h.store.create([Product(id: "", name: "Pen", price: 10)])[0]
            product.price = 12
            let updated = try await h.store.update(product, expectedVersion: 1)
            #expect(updated.version == 2)
            #expect(try await h.store.find(Product.self, id: product.id) == product)
            #expect(try await h.store.version(.product, id: product.id) == 2)

            let deleted = try await h.store.delete(Product.self, id: product.id)
            #expect(deleted.version == 3)
            #expect(try deleted.decode(Product.self) == product)   // the delete event carries the entity as it was
            #expect(try await h.store.find(Product.self, id: product.id) == nil)
            #expect(try await h.store.findAll(Product.self).isEmpty)

            let error1 = await #expect(throws: EventStoreError.self) {
                try await h.store.update(product)
            }
            #expect(error1?.code == .notFound(aggregateID: product.id))
        }
    }

    @Test("8 concurrent writers on one aggregate: one winner per version, every loser a conflict, no lost update")
    func concurrentWritersOnOneAggregate() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            let product = try await h.store.create([Product(id: "", name: "Counter", price: 0)])[0]
            // Round 1: all eight write against version 1 at once.
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        var mine = product
                        mine.name = "writer \(writer)"
                        do {
                            try await h.store.update(mine, expectedVersion: 1)
                            return true
                        } catch let error as EventStoreError {
                            #expect(error.code == .versionConflict(aggregateID: product.id))
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await h.store.version(.product, id: product.id) == 2)

            // Round 2: read-modify-write with retries; every increment must survive.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        for _ in 0..<10 {
                            while true {
                                let version = try await h.store.version(.product, id: product.id)!
                                var current = try await h.store.find(Product.self, id: product.id)!
                                current.price += 1
                                do {
                                    try await h.store.update(current, expectedVersion: version)
                                    break
                                } catch let error as EventStoreError where error.code == .versionConflict(aggregateID: product.id) {
                                    continue
                                }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await h.store.find(Product.self, id: product.id)?.price == 80)
            #expect(try await h.store.version(.product, id: product.id) == 82)
            #expect(try await h.store.verify(.product).isEmpty)
        }
    }

    @Test("8 concurrent writers on different aggregates: entry ids strictly increasing, merge order = commit order")
    func concurrentWritersOnManyAggregates() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            let committed = try await withThrowingTaskGroup(of: [StoredEvent].self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        var mine: [StoredEvent] = []
                        var product = try await h.store.create([Product(id: "", name: "w\(writer)", price: 0)])[0]
                        mine += try await h.store.replay(.product, limit: 100_000).filter { $0.aggregateID == product.id }
                        for step in 1...30 {
                            product.price = step
                            mine.append(try await h.store.update(product))
                        }
                        mine.append(try await h.store.delete(Product.self, id: product.id))
                        return mine
                    }
                }
                return try await group.reduce(into: [StoredEvent]()) { $0 += $1 }
            }
            let replayed = try await h.store.replay(.product, limit: 100_000)
            #expect(replayed.count == 8 * 32)
            #expect(zip(replayed, replayed.dropFirst()).allSatisfy { $0.entryID < $1.entryID })
            // Each writer saw its own appends commit in increasing id order, and the replay holds exactly those ids.
            #expect(Set(replayed.map(\.entryID)) == Set(committed.map(\.entryID)))
            for aggregate in Set(replayed.map(\.aggregateID)) {
                #expect(replayed.filter { $0.aggregateID == aggregate }.map(\.version) == Array(1...32))
            }
            // Paging with `after` walks the same order.
            var paged: [StoredEvent] = []
            var cursor: String?
            while true {
                let page = try await h.store.replay(.product, after: cursor, limit: 7)
                if page.isEmpty { break }
                paged += page
                cursor = page.last!.entryID.description
            }
            #expect(paged == replayed)
        }
    }

    @Test("a unique field refuses a second live holder; deleting frees the value; a failed batch writes nothing")
    func uniqueFieldAndAtomicBatch() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            let product = UUID().uuidString.lowercased()
            let first = try await h.store.create([Inventory(id: "", productID: product, amount: 5)])[0]
            let duplicate = await #expect(throws: EventStoreError.self) {
                try await h.store.create([Inventory(id: "", productID: product, amount: 1)])
            }
            #expect(duplicate?.code == .duplicate(field: "product_id"))
            // A batch whose last event conflicts leaves no trace of its first ones.
            let other = UUID().uuidString.lowercased()
            let inBatch = await #expect(throws: EventStoreError.self) {
                try await h.store.create([Inventory(id: "", productID: other, amount: 1), Inventory(id: "", productID: other, amount: 2)])
            }
            #expect(inBatch?.code == .duplicate(field: "product_id"))
            #expect(try await h.store.findAll(Inventory.self) == [first])
            #expect(try await h.store.replay(.inventory, limit: 100).count == 1)

            try await h.store.delete(Inventory.self, id: first.id)
            let second = try await h.store.create([Inventory(id: "", productID: product, amount: 7)])[0]
            #expect(try await h.store.findAll(Inventory.self) == [second])
            #expect(try await h.store.uniqueIndex(.inventory) == [product: second.id])
            #expect(try await h.store.uniqueIndex(.customer).isEmpty)
            #expect(try await h.store.verify(.inventory).isEmpty)
        }
    }

    @Test("bad events are refused before anything is written")
    func badInput() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            for entity in ["[1,2]", "{\"id\":\"a\"", "not json", "{\"id\":\"other\",\"name\":\"x\"}"] {
                await #expect(throws: EventStoreError.self) {
                    try await h.store.append([NewEvent(action: .created, aggregateID: "a", entity: Array(entity.utf8))], topic: .customer)
                }
            }
            await #expect(throws: EventStoreError.self) {
                try await h.store.append([NewEvent(action: .created, aggregateID: "", entity: Array("{\"id\":\"\"}".utf8))], topic: .customer)
            }
            await #expect(throws: EventStoreError.self) {
                try await h.store.replay(.customer, after: "garbage", limit: 10)
            }
            #expect(try await h.store.replay(.customer, limit: 10).isEmpty)
        }
    }
}

