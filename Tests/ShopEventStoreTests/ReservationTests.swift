import Foundation
import ShopDomain
import ShopEventStore
import ShopRedis
import Synchronization
import Testing
import ShopStockLedger

@Suite("Stock reservations")
struct ReservationTests {
    /// Creates an inventory of `amount` for a fresh product id; returns the product id.
    static func stock(_ store: EventStore, _ amount: Int) async throws -> String {
        let product = UUID().uuidString.lowercased()
        _ = try await store.create([Inventory(id: "", productID: product, amount: amount)])
        return product
    }

    static func amount(_ store: EventStore, of product: String) async throws -> Int? {
        try await store.findAll(Inventory.self).first { $0.productID == product }?.amount
    }

    @Test("200 concurrent reservations on a stock of 100: exactly 100 succeed, stock 0, projection = fold of events")
    func contention() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            let product = try await Self.stock(h.store, 100)
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<200 {
                    group.addTask {
                        do {
                            try await h.ledger.reserveStock(orderID: UUID().uuidString.lowercased(), productIDs: [product])
                            return true
                        } catch let error as EventStoreError {
                            #expect(error.code == .outOfStock(productID: product))
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 100)
            #expect(try await Self.amount(h.store, of: product) == 0)
            #expect(try await h.store.verify(.inventory).isEmpty)
            // 1 create + 100 updates, each naming its order.
            let events = try await h.store.replay(.inventory, limit: 1000)
            #expect(events.count == 101)
            #expect(Set(events.dropFirst().map(\.correlationID)).count == 100)
        }
    }

    @Test("an order's products (repeats counted) are reserved all or nothing; the error names the product")
    func allOrNothing() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            let a = try await Self.stock(h.store, 2)
            let b = try await Self.stock(h.store, 1)
            let order = UUID().uuidString.lowercased()
            let refused = await #expect(throws: EventStoreError.self) {
                try await h.ledger.reserveStock(orderID: order, productIDs: [a, b, a, b])
            }
            #expect(refused?.code == .outOfStock(productID: b))
            #expect(try await Self.amount(h.store, of: a) == 2)
            #expect(try await h.ledger.reservation(orderID: order).isEmpty)

            let unknown = UUID().uuidString.lowercased()
            let noInventory = await #expect(throws: EventStoreError.self) {
                try await h.ledger.reserveStock(orderID: order, productIDs: [a, unknown])
            }
            #expect(noInventory?.code == .outOfStock(productID: unknown))

            let events = try await h.ledger.reserveStock(orderID: order, productIDs: [a, b, a])
            #expect(events.count == 2)
            #expect(try await Self.amount(h.store, of: a) == 0)
            #expect(try await Self.amount(h.store, of: b) == 0)
            #expect(try await h.ledger.reservation(orderID: order) == [a: 2, b: 1])
            // A retry of the same reservation changes nothing; a different one is refused.
            #expect(try await h.ledger.reserveStock(orderID: order, productIDs: [a, a, b]).isEmpty)
            let different = await #expect(throws: EventStoreError.self) {
                try await h.ledger.reserveStock(orderID: order, productIDs: [b])
            }
            #expect(different?.code == .alreadyReserved(orderID: order))
        }
    }

    @Test("release gives the stock back; swap moves it in one step or keeps the old reservation")
    func releaseAndSwap() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            let a = try await Self.stock(h.store, 3)
            let b = try await Self.stock(h.store, 2)
            let order = UUID().uuidString.lowercased()
            try await h.ledger.reserveStock(orderID: order, productIDs: [a, a])
            #expect(try await Self.amount(h.store, of: a) == 1)

            try await h.ledger.swapReservation(orderID: order, productIDs: [a, b, b])
            #expect(try await Self.amount(h.store, of: a) == 2)
            #expect(try await Self.amount(h.store, of: b) == 0)
            #expect(try await h.ledger.reservation(orderID: order) == [a: 1, b: 2])

            let refused = await #expect(throws: EventStoreError.self) {
                try await h.ledger.swapReservation(orderID: order, productIDs: [a, a, a, a])
            }
            #expect(refused?.code == .outOfStock(productID: a))
            #expect(try await h.ledger.reservation(orderID: order) == [a: 1, b: 2])
            #expect(try await Self.amount(h.store, of: a) == 2)

            try await h.ledger.releaseStock(orderID: order)
            #expect(try await Self.amount(h.store, of: a) == 3)
            #expect(try await Self.amount(h.store, of: b) == 2)
            #expect(try await h.ledger.releaseStock(orderID: order).isEmpty)   // nothing held: nothing happens
            #expect(try await h.store.verify(.inventory).isEmpty)
        }
    }

    @Test("reconciliation releases old reservations whose order was never written, and keeps the others")
    func reconcile() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            let a = try await Self.stock(h.store, 5)
            let written = UUID().uuidString.lowercased()
            let orphan = UUID().uuidString.lowercased()
            try await h.ledger.reserveStock(orderID: written, productIDs: [a])
            try await h.ledger.reserveStock(orderID: orphan, productIDs: [a, a])
            let recent = try await h.ledger.reconcile(olderThan: .seconds(3600)) { $0.map { _ in false } }
            #expect(recent.released == 0)

            try await Task.sleep(for: .milliseconds(5))
            let released = try await h.ledger.reconcile(olderThan: .zero) { $0.map { $0 == written } }
            #expect(released.released == 1)
            #expect(try await Self.amount(h.store, of: a) == 4)
            #expect(try await h.ledger.reservation(orderID: orphan).isEmpty)
            #expect(try await h.ledger.reservation(orderID: written) == [a: 1])
        }
    }

    @Test("reconciliation pages through many reservations, releases every orphan once, and later passes look only at newer ones")
    func reconcileInPages() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            let a = try await Self.stock(h.store, 100)
            let orders = (0..<25).map { _ in UUID().uuidString.lowercased() }
            let orphans = Set(orders.enumerated().filter { $0.offset % 3 == 0 }.map(\.element))
            for order in orders { try await h.ledger.reserveStock(orderID: order, productIDs: [a]) }
            try await Task.sleep(for: .milliseconds(5))
            let asked = Mutex<[String]>([])
            let first = try await h.ledger.reconcile(olderThan: .zero, pageSize: 4) { ids in
                asked.withLock { $0 += ids }
                return ids.map { !orphans.contains($0) }
            }
            #expect(first.released == orphans.count)
            #expect(asked.withLock { $0.count } == orders.count)   // each reservation checked once, none skipped
            #expect(try await Self.amount(h.store, of: a) == 100 - orders.count + orphans.count)

            // A later pass from the mark skips what was checked, and finds a new orphan.
            let late = UUID().uuidString.lowercased()
            try await Task.sleep(for: .milliseconds(5))
            try await h.ledger.reserveStock(orderID: late, productIDs: [a])
            try await Task.sleep(for: .milliseconds(5))
            asked.withLock { $0 = [] }
            let second = try await h.ledger.reconcile(olderThan: .zero, checkedThrough: first.checkedThrough, pageSize: 4) { ids in
                asked.withLock { $0 += ids }
                return ids.map { _ in false }
            }
            #expect(asked.withLock { $0 } == [late])
            #expect(second.released == 1)
            #expect(second.checkedThrough >= first.checkedThrough)
        }
    }

    @Test("reconciliation pages correctly through many reservations taken in the same millisecond")
    func reconcileTies() async throws {
        try await StoreHarness.run { (h: StoreHarness) async throws in
            let orders = (0..<11).map { "order-\($0)" }
            for order in orders { _ = try await h.client.send("ZADD", RESPArgument(StockLedger.reservationsKey), "1000", RESPArgument(order)) }
            let orphans: Set<String> = ["order-1", "order-2", "order-6", "order-10"]
            let asked = Mutex<[String]>([])
            let pass = try await h.ledger.reconcile(olderThan: .zero, pageSize: 3) { ids in
                asked.withLock { $0 += ids }
                return ids.map { !orphans.contains($0) }
            }
            #expect(pass.released == orphans.count)
            #expect(asked.withLock { $0.sorted() } == orders.sorted())
            let left = try await h.client.send("ZRANGE", RESPArgument(StockLedger.reservationsKey), "0", "-1")
            #expect(Set((left.array ?? []).compactMap(\.string)) == Set(orders).subtracting(orphans))
        }
    }
}
