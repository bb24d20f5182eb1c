/// What a run set up for itself: its customers, its products and their initial stock.
public struct LoadFixture: Sendable {
    /// The run's customers, in creation order (at least one).
    public var customerIDs: [String]
    /// The run's products, in creation order (at least one).
    public var productIDs: [String]
    /// Product id → the stock it started with.
    public var initialStock: [String: Int]
    /// Products of each order: `itemsPerOrder` of them, cycling through the run's products.
    public var itemsPerOrder: Int

    /// A fixture of created customers and products, each product with `initialStock`.
    public init(customerIDs: [String], productIDs: [String], initialStock: [String: Int], itemsPerOrder: Int) {
        self.customerIDs = customerIDs
        self.productIDs = productIDs
        self.initialStock = initialStock
        self.itemsPerOrder = itemsPerOrder
    }

    /// The products of order number `ticket`, chosen round robin so the load spreads evenly over the products.
    public func orderProducts(ticket: Int) -> [String] {
        (0..<itemsPerOrder).map { productIDs[(ticket &* itemsPerOrder &+ $0) % productIDs.count] }
    }

    /// The customer of order number `ticket`, round robin.
    public func customer(ticket: Int) -> String { customerIDs[ticket % customerIDs.count] }

    /// The JSON of an order of `products` by `customer` (ids are UUIDs: no escaping needed, but quoted safely).
    public static func orderJSON(products: [String], customer: String) -> String {
        "{\"product_ids\":[" + products.map { quoted($0) }.joined(separator: ",") + "],\"customer_id\":" + quoted(customer) + "}"
    }

    /// A JSON string literal of `text` (quotes, backslashes and control characters escaped).
    public static func quoted(_ text: String) -> String {
        // Ids and most names need no escape: one scan, one concatenation (the load builds a body per request).
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + text + "\""
        }
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20:
                result += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
