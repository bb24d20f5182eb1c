// ShopStockLedger: the stock ledger. Owned by order-service, the only part that runs it: stock is reserved for an
// order before the order is written (409 when short), swapped when it changes and released when it is deleted or
// could not be written. Each reservation is one atomic script on the `{inventory}` slot that keeps
// `{inventory}_reservations` / `{inventory}_reservation:<order>` and appends the `inventory_updated` events of the
// amounts it changes through the event store's Lua library. inventory-service owns the inventory entities otherwise;
// the event store knows none of this (see the README's design part).

import Logging
import ShopDomain
import ShopEventStore
import ShopRedis

/// The stock ledger: reservations of inventory for orders, each change one atomic script.
public struct StockLedger: Sendable {
    let store: EventStore
    let logger: Logger

    /// The sorted set of orders holding a reservation, scored by when it was taken (Unix ms).
    public static let reservationsKey = "{inventory}_reservations"
    /// The hash of one order's reservation: product id → reserved count.
    public static func reservationKey(_ orderID: String) -> String { "{inventory}_reservation:\(orderID)" }

    /// A ledger writing through `store`.
    public init(store: EventStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    // MARK: - Orders

    /// Reserves the stock of every order or of none (409 `outOfStock` names a product). One order is one atomic
    /// step; a batch is checked against the listed stock first, so a batch that cannot fit is refused without
    /// reserving and releasing (only a concurrent order can still make it roll back).
    public func reserve(_ orders: [Order]) async throws {
        if orders.count > 1 { try await checkStock(for: orders) }
        var reserved: [Order] = []
        do {
            for order in orders {
                try await reserveStock(orderID: order.id, productIDs: order.productIDs)
                reserved.append(order)
            }
        } catch {
            // When Redis went away mid-way nothing can be released now; the reconciler does it later.
            if EventStoreError.isDefinite(error) { await release(reserved.map(\.id)) }
            throw error
        }
    }

    /// Refuses (409) when the stock listed now cannot cover every product of `orders` together.
    private func checkStock(for orders: [Order]) async throws {
        var stock: [String: Int] = [:]
        for entry in try await store.findAll(Inventory.self) { stock[entry.productID] = entry.amount }
        var demand: [String: Int] = [:]
        for productID in orders.flatMap(\.productIDs) {
            demand[productID, default: 0] += 1
            if demand[productID, default: 0] > stock[productID, default: 0] {
                throw EventStoreError(.outOfStock(productID: productID), "not enough stock for product \(productID)")
            }
        }
    }

    /// Gives back what `orderIDs` hold. A release that fails is only logged: the reconciler releases it later.
    public func release(_ orderIDs: [String]) async {
        for orderID in orderIDs {
            do {
                try await releaseStock(orderID: orderID)
            } catch {
                logger.warning("cannot release a reservation now; the reconciler will",
                               metadata: ["order.id": "\(orderID)", "error.message": "\(error)"])
            }
        }
    }

    /// Brings an order's reservation back in line with the order as it is now (after an update that failed):
    /// its products when it lives, nothing when it does not.
    public func realign(orderID: String) async {
        do {
            if let current = try await store.find(Order.self, id: orderID) {
                try await swapReservation(orderID: orderID, productIDs: current.productIDs)
            } else {
                try await releaseStock(orderID: orderID)
            }
        } catch {
            logger.error("cannot restore a reservation after a failed update",
                         metadata: ["order.id": "\(orderID)", "error.message": "\(error)"])
        }
    }

    // MARK: - One reservation

    /// Reserves the stock of every product of an order (repeats count) or none: `outOfStock` names the product.
    /// Retrying the same reservation changes nothing; a different one for the same order is `alreadyReserved`.
    @discardableResult
    public func reserveStock(orderID: String, productIDs: [String]) async throws -> [StoredEvent] {
        guard !productIDs.isEmpty else { throw EventStoreError(.invalidInput, "a reservation needs at least one product") }
        return try await run(orderID: orderID, mode: "reserve", productIDs: productIDs)
    }

    /// Gives an order's reserved stock back; nothing happens when it holds none.
    @discardableResult
    public func releaseStock(orderID: String) async throws -> [StoredEvent] {
        try await run(orderID: orderID, mode: "release", productIDs: [])
    }

    /// Replaces an order's reservation by one for `productIDs` in one step: when the new one does not fit,
    /// the old one stays and `outOfStock` names the product.
    @discardableResult
    public func swapReservation(orderID: String, productIDs: [String]) async throws -> [StoredEvent] {
        guard !productIDs.isEmpty else { throw EventStoreError(.invalidInput, "a reservation needs at least one product") }
        return try await run(orderID: orderID, mode: "swap", productIDs: productIDs)
    }

    /// The stock an order holds: product id → count (empty when none).
    public func reservation(orderID: String) async throws -> [String: Int] {
        let reply = try await store.redis.send("HGETALL", RESPArgument(Self.reservationKey(orderID)))
        var held: [String: Int] = [:]
        for pair in reply.pairs ?? [] {
            if let product = pair.key.string, let count = pair.value.int { held[product] = count }
        }
        return held
    }

    private func run(orderID: String, mode: String, productIDs: [String]) async throws -> [StoredEvent] {
        guard !orderID.isEmpty, !productIDs.contains(where: \.isEmpty) else {
            throw EventStoreError(.invalidInput, "a reservation needs an order id and non-empty product ids")
        }
        let keys = [Self.reservationsKey, Self.reservationKey(orderID)]
        var eventIDs = (0..<Set(productIDs).count + 1).map { _ in EntityID.make() }
        // A reservation of a command carries its cause; one of the reconciler's is correlated by its order.
        let cause = EventCause.current ?? EventCause(correlationID: orderID, causationID: "")
        while true {
            var arguments = [RESPArgument(orderID), RESPArgument(mode), RESPArgument(productIDs.count)]
            arguments += productIDs.map { RESPArgument($0) }
            arguments.append(RESPArgument(eventIDs.count))
            arguments += eventIDs.map { RESPArgument($0) }
            arguments += [RESPArgument(cause.correlationID), RESPArgument(cause.causationID), RESPArgument(cause.traceParent)]
            do {
                let reply = try await store.run(ReservationScripts.reserve, topic: .inventory, keys: keys, arguments: arguments)
                return try store.committedEvents(reply, topic: .inventory, action: .updated, eventIDs: eventIDs, cause: cause)
            } catch let error as EventStoreError where error.code == .refused(prefix: "NEEDIDS") {
                // The order held more products than we guessed (release, swap): retry with enough event ids.
                let needed = Int(error.message.split(separator: " ").last ?? "") ?? eventIDs.count * 2
                eventIDs = (0..<max(needed, eventIDs.count + 1)).map { _ in EntityID.make() }
            }
        }
    }
}
