import Foundation
import NIOCore
import ShopDomain
import ShopEventStore
import ShopRedis
import Testing
import ShopStockLedger

@Suite("Document cache: list reads from memory, caught up from the streams")
struct DocumentCacheTests {
    /// The list as the store's read script answers it (what the gateway sent before the cache): the reference.
    static func reference(_ store: EventStore, _ topic: Topic) async throws -> String {
        String(decoding: try await store.findAllJSON(topic), as: UTF8.self)
    }

    static func cached(_ cache: DocumentCache, _ topic: Topic) async throws -> String {
        try await cache.list(topic).jsonParts.map { String(buffer: $0) }.joined()
    }

    @Test("the list equals the read script's answer byte for byte, through creates, updates, deletes, gzip and reservations")
    func sameBody() async throws {
        try await StoreHarness.run(compressionThreshold: 40) { (h: StoreHarness) async throws in
            let cache = DocumentCache(store: h.store, pageSize: 3)
            #expect(try await Self.cached(cache, .customer) == "[]")
            var customers = try await h.store.create((0..<10).map { Customer(id: "", name: "Name \($0) \"q\" é", email: "c\($0)@example.com") })
            #expect(try await Self.cached(cache, .customer) == Self.reference(h.store, .customer))
            customers[3].name = String(repeating: "long ", count: 40)   // gzip in the stream
            try await h.store.update(customers[3])
            try await h.store.delete(Customer.self, id: customers[0].id)
            try await h.store.delete(Customer.self, id: customers[7].id)
            _ = try await h.store.create([Customer(id: "", name: "Late", email: "late@example.com")])
            #expect(try await Self.cached(cache, .customer) == Self.reference(h.store, .customer))

            let product = UUID().uuidString.lowercased()
            _ = try await h.store.create([Inventory(id: "", productID: product, amount: 5)])
            #expect(try await Self.cached(cache, .inventory) == Self.reference(h.store, .inventory))
            try await h.ledger.reserveStock(orderID: UUID().uuidString.lowercased(), productIDs: [product, product])
            let inventory = try await Self.cached(cache, .inventory)
            #expect(inventory == (try await Self.reference(h.store, .inventory)))
            #expect(inventory.contains(#""amount":3"#))

            let orders = try await h.store.create([Order(id: "", productIDs: [product, product, "p2"], customerID: customers[1].id)])
            #expect(try await Self.cached(cache, .order) == Self.reference(h.store, .order))
            #expect(try JSONDecoder().decode([Order].self, from: Data(try await Self.cached(cache, .order).utf8)) == orders)
        }
    }

    @Test("read-your-writes under concurrent writers: every writer sees its entity at once, in creation order")
    func readYourWrites() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            let cache = DocumentCache(store: h.store, pageSize: 16)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        for round in 0..<25 {
                            let created = try await h.store.create([Customer(id: "", name: "w\(writer) r\(round)", email: "w\(writer)@example.com")])[0]
                            let list = try await cache.list(.customer)
                            #expect(list.contains(id: created.id), "writer \(writer) round \(round) does not see its customer")
                            if round % 5 == 4 { try await h.store.delete(Customer.self, id: created.id) }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await Self.cached(cache, .customer) == Self.reference(h.store, .customer))
            #expect(try await cache.list(.customer).count == 8 * 20)
        }
    }

    @Test("a read racing the topic's very first writes (its clock made meanwhile) answers, fresh", .timeLimit(.minutes(2)))
    func firstWriteRace() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            for round in 0..<30 {
                let cache = DocumentCache(store: h.store)
                _ = try await h.client.send("FLUSHALL")
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { _ = try await h.store.create([Product(id: "", name: "First \(round)", price: 1)]) }
                    group.addTask { _ = try await cache.list(.product) }
                    group.addTask { _ = try await cache.list(.product) }
                    try await group.waitForAll()
                }
                #expect(try await Self.cached(cache, .product) == Self.reference(h.store, .product))
            }
        }
    }

    @Test("a new cache loads the projection in pages, also when the streams were trimmed before it")
    func loadsProjection() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            _ = try await h.store.create((0..<20).map { Product(id: "", name: "P\($0)", price: $0) })
            for stream in TopicKeys(.product).streams { _ = try await h.client.send("XTRIM", RESPArgument(stream), "MAXLEN", "0") }
            let cache = DocumentCache(store: h.store, pageSize: 3)
            #expect(try await Self.cached(cache, .product) == Self.reference(h.store, .product))
            #expect(try await cache.list(.product).count == 20)
        }
    }

    @Test("entries trimmed past the cache's position, or a flushed Redis, make it reload instead of missing changes")
    func reloads() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            let cache = DocumentCache(store: h.store, pageSize: 4)
            let first = try await h.store.create((0..<5).map { Product(id: "", name: "P\($0)", price: $0) })
            #expect(try await cache.list(.product).count == 5)
            // Changes the cache never read, then trimmed away (as the archiver would, much later).
            _ = try await h.store.create((0..<6).map { Product(id: "", name: "Q\($0)", price: $0) })
            try await h.store.delete(Product.self, id: first[2].id)
            for stream in TopicKeys(.product).streams { _ = try await h.client.send("XTRIM", RESPArgument(stream), "MAXLEN", "0") }
            #expect(try await Self.cached(cache, .product) == Self.reference(h.store, .product))
            #expect(try await cache.list(.product).count == 10)

            _ = try await h.client.send("FLUSHALL")
            #expect(try await Self.cached(cache, .product) == "[]")
            let again = try await h.store.create([Product(id: "", name: "Again", price: 1)])
            #expect(try await cache.list(.product).contains(id: again[0].id))
            #expect(try await Self.cached(cache, .product) == Self.reference(h.store, .product))
        }
    }
}
