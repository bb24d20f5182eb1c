import Foundation
import Logging
import ShopDomain
import ShopEventStore
import ShopRedis
import ShopTestSupport
import Testing
@testable import OrderShopBench
import ShopStockLedger

/// The pieces of bench-orders and bench-scale against a real redis-server: what they count must be what happened.
@Suite("Order benchmarks")
struct BenchTests {
    static let logger: Logger = {
        var logger = Logger(label: "bench-tests")
        logger.logLevel = .warning
        return logger
    }()

    /// Runs `body` with a client and a store on a private redis-server of its own.
    static func withStore(_ body: @Sendable (RedisClient, EventStore, String) async throws -> Void) async throws {
        let server = try await RedisTestServer.start()
        defer { server.stop() }
        try await BenchOrders.withRedis(try RedisConfiguration(url: server.url), threads: 1, logger: logger) { client in
            try await body(client, EventStore(redis: client, logger: logger), server.url)
        }
    }

    @Test("the floor's order is accepted while stock lasts, then refused; reservations and orders are both written")
    func placeUntilStockRunsOut() async throws {
        try await Self.withStore { _, store, _ in
            let catalogue = try await OrderBench.setUp(store: store, products: 2, stock: 3)
            var accepted: [Bool] = []
            for ticket in 0..<8 { accepted.append(try await catalogue.place(store: store, ticket: ticket, items: 1)) }
            #expect(accepted == [true, true, true, true, true, true, false, false])
            let orders = try await store.findAll(Order.self)
            #expect(orders.count == 6)
            #expect(orders.allSatisfy { $0.customerID == catalogue.customerID && $0.productIDs.count == 1 })
            #expect(try await store.findAll(Inventory.self).map(\.amount) == [0, 0])
            for order in orders { #expect(try await StockLedger(store: store, logger: store.logger).reservation(orderID: order.id) == [order.productIDs[0]: 1]) }
        }
    }

    @Test("a stream filled to a length keeps appends working, with entry ids above every filled one")
    func fillThenAppend() async throws {
        try await Self.withStore { client, _, url in
            let side = try await AppendSide(client: client, entries: 3, logger: Self.logger)
            let bench = try BenchScale.parse(["--url", url])
            let filled = try await bench.fill(client: client, stream: AppendSide.stream, to: 120_000)
            #expect(filled.entries == 120_000)
            #expect(try await side.append(ticket: 0) == 1)
            #expect(try await side.length() == 120_001)
            let newest = try await client.send("XREVRANGE", RESPArgument(AppendSide.stream), "+", "-", "COUNT", "2")
            let ids = (newest.array ?? []).compactMap { $0.array?.first?.string }.compactMap(EntryID.init)
            #expect(ids.count == 2 && ids[0] > ids[1])
            // The filler is history only: the projection holds the four real orders.
            #expect(try await side.store.findAll(Order.self).count == 4)
        }
    }

    @Test("bytes per order: over a kilobyte for a 20-item order, and less with gzip")
    func bytesPerOrder() async throws {
        try await Self.withStore { client, _, url in
            let bench = try BenchOrders.parse(["--url", url, "--duration", "0", "--memory-orders", "300", "--items", "20"])
            let json = try await bench.bytesPerOrder(client: client, threshold: Int.max, logger: Self.logger)
            let gzip = try await bench.bytesPerOrder(client: client, threshold: 0, logger: Self.logger)
            #expect(json > 1_000)
            #expect(gzip < json)
        }
    }
}
