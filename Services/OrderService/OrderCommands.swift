import ShopAPI
import ShopDomain
import ShopEventStore
import ShopHTTP
import ShopStockLedger

/// order-service's commands, each one function to read top to bottom: decode the body once (400), check the
/// customer and products (422), take the stock from the ledger (409 when short), append the order's event, give
/// the stock back when the append certainly failed, answer. When Redis went away after the append was sent, the
/// outcome is unknown: the reservation stays, and the reconciler releases it if the order never appeared.
struct OrderCommands: Sendable {
    let commands: EntityCommands<OrderDraft>
    let ledger: StockLedger
    var store: EventStore { commands.store }

    init(store: EventStore, ledger: StockLedger) {
        commands = EntityCommands(OrderDraft.self, store: store, references: [
            Reference("customer_id", to: .customer) { [$0.customerID] },
            Reference("product_ids", to: .product) { $0.productIDs },
        ])
        self.ledger = ledger
    }

    func register(_ router: inout Router) {
        commands.register(&router, create: create, update: update, delete: delete)
    }

    /// POST: every order of the body, or none.
    @Sendable func create(_ request: Request) async throws -> Response {
        let drafts = try await commands.checkedDrafts(request)
        let orders = drafts.map { $0.entity(id: EntityID.make()) }
        try await ledger.reserve(orders)
        do {
            try await store.append(created: orders)
        } catch {
            if EventStoreError.isDefinite(error) { await ledger.release(orders.map(\.id)) }
            throw error
        }
        return .ids(orders.map(\.id))
    }

    /// PUT: the new products' stock is taken in place of the old in one step (the old stays when it does not fit).
    @Sendable func update(_ request: Request) async throws -> Response {
        let (order, version) = try await commands.checkedChange(request)
        try await ledger.swapReservation(orderID: order.id, productIDs: order.productIDs)
        do {
            try await store.update(order, expectedVersion: version)
        } catch {
            if EventStoreError.isDefinite(error) { await ledger.realign(orderID: order.id) }
            throw error
        }
        return .accepted
    }

    /// DELETE: the order goes, then its stock comes back (a release that fails is left to the reconciler).
    @Sendable func delete(_ request: Request) async throws -> Response {
        let id = try request.entityID()
        try await store.delete(Order.self, id: id)
        await ledger.release([id])
        return .accepted
    }
}
