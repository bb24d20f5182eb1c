import Logging
import ShopAPI
import ShopDomain
import ShopEventStore

/// The stock side of order commands: an order's products (repeats counted) are reserved before it is written,
/// swapped when it is replaced and released when it is deleted or could not be written.
struct StockReservations: CommandHooks {
    let store: EventStore
    let logger: Logger

    /// Reserves for every order or for none: after a refusal (409) the ones already reserved are released.
    func willCreate(_ orders: [Order]) async throws {
        // One order is reserved in one atomic step; a batch is checked as a whole first, so a batch that cannot
        // fit is refused without reserving and releasing (only a concurrent order can still make it roll back).
        if orders.count > 1 { try await checkStock(for: orders) }
        var reserved: [Order] = []
        do {
            for order in orders {
                try await store.reserveStock(orderID: order.id, productIDs: order.productIDs)
                reserved.append(order)
            }
        } catch {
            // When Redis went away mid-way nothing can be released now; the reconciler does it later.
            if StoreFailure.isDefinite(error) { await createFailed(reserved) }
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

    func createFailed(_ orders: [Order]) async {
        for order in orders { await release(order.id) }
    }

    /// Takes the new reservation in place of the old one in one step; when it does not fit, the old one stays.
    func willUpdate(_ order: Order) async throws {
        try await store.swapReservation(orderID: order.id, productIDs: order.productIDs)
    }

    /// The order did not change after all: bring the reservation back in line with the order as it is now.
    func updateFailed(_ order: Order) async {
        do {
            if let current = try await store.find(Order.self, id: order.id) {
                try await store.swapReservation(orderID: order.id, productIDs: current.productIDs)
            } else {
                try await store.releaseStock(orderID: order.id)
            }
        } catch {
            logger.error("cannot restore a reservation after a failed update",
                         metadata: ["order.id": "\(order.id)", "error.message": "\(error)"])
        }
    }

    func didDelete(id: String) async {
        await release(id)
    }

    /// A release that fails is only logged: the order is gone, so the reconciler releases it later.
    private func release(_ orderID: String) async {
        do {
            try await store.releaseStock(orderID: orderID)
        } catch {
            logger.warning("cannot release a reservation now; the reconciler will",
                           metadata: ["order.id": "\(orderID)", "error.message": "\(error)"])
        }
    }
}
