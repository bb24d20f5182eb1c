import ShopDomain
import ShopEventStore
import ShopRedis

extension StockLedger {
    /// The reservations the live orders of `orders` (the order topic's restore fold) hold: their product ids.
    public static func reservations(of orders: RestoreFold) -> [(orderID: String, productIDs: [String])] {
        guard orders.topic == .order else { return [] }
        return orders.listItems("product_ids").map { ($0.id, $0.items) }
    }

    /// Writes the reservations of live orders as the reservation script keeps them (restore into an empty Redis).
    public func restore(_ orders: [(orderID: String, productIDs: [String])], reservedAt: Int64) async throws {
        var commands: [[RESPArgument]] = []
        for (orderID, productIDs) in orders where !productIDs.isEmpty {
            var counts: [String: Int] = [:]
            var order: [String] = []
            for id in productIDs {
                if counts[id] == nil { order.append(id) }
                counts[id, default: 0] += 1
            }
            var hset: [RESPArgument] = ["HSET", RESPArgument(Self.reservationKey(orderID))]
            for id in order { hset += [RESPArgument(id), RESPArgument(counts[id] ?? 0)] }
            commands.append(hset)
            commands.append(["ZADD", RESPArgument(Self.reservationsKey), RESPArgument(Int(reservedAt)), RESPArgument(orderID)])
            if commands.count >= 2_000 {
                try await store.write(commands)
                commands.removeAll(keepingCapacity: true)
            }
        }
        if !commands.isEmpty { try await store.write(commands) }
    }
}
