import ShopDomain

/// What the load generator knows at the end of a run: what it set up, what the gateway accepted, and what the
/// shop shows now. The correctness checks are pure functions of this.
public struct LoadObservations: Sendable {
    /// The stock each product of the run started with: product id → amount.
    public var initialStock: [String: Int]
    /// Orders the gateway accepted (2xx) since the event count was taken: order id → product ids.
    public var acceptedOrders: [String: [String]]
    /// Orders whose POST got no answer (timeout, broken connection): each may or may not have been written.
    public var unansweredOrders: Int
    /// The live orders, as `GET /orders` lists them.
    public var liveOrders: [Order]
    /// The inventory, as `GET /inventory` lists it.
    public var inventory: [Inventory]
    /// `order_created` events appended since the event count was taken (from `GET /status`); nil when unknown.
    public var orderCreatedEvents: Int?
    /// Projection against fold of the events, per topic (each difference as text); nil when it was not compared.
    public var projectionDifferences: [String: [String]]?
    /// Requests answered with a 5xx status or not answered at all.
    public var serverErrors: Int

    /// Everything the checks compare; counts default to none.
    public init(initialStock: [String: Int], acceptedOrders: [String: [String]], unansweredOrders: Int = 0,
                liveOrders: [Order], inventory: [Inventory], orderCreatedEvents: Int?,
                projectionDifferences: [String: [String]]?, serverErrors: Int = 0) {
        self.initialStock = initialStock
        self.acceptedOrders = acceptedOrders
        self.unansweredOrders = unansweredOrders
        self.liveOrders = liveOrders
        self.inventory = inventory
        self.orderCreatedEvents = orderCreatedEvents
        self.projectionDifferences = projectionDifferences
        self.serverErrors = serverErrors
    }
}
