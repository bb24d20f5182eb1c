/// What a run set up for itself: its customers, its products and their initial stock.
struct LoadFixture: Sendable {
    var customerIDs: [String]
    var productIDs: [String]
    /// Product id → the stock it started with.
    var initialStock: [String: Int]
    /// Products of each order: `itemsPerOrder` of them, cycling through the run's products.
    var itemsPerOrder: Int

    /// The body of order number `ticket`: products and customer chosen round robin, so load spreads evenly.
    func orderProducts(ticket: Int) -> [String] {
        (0..<itemsPerOrder).map { productIDs[(ticket &* itemsPerOrder &+ $0) % productIDs.count] }
    }

    func customer(ticket: Int) -> String { customerIDs[ticket % customerIDs.count] }

    /// The JSON of an order of `products` by `customer` (ids are UUIDs: no escaping needed, but quoted safely).
    static func orderJSON(products: [String], customer: String) -> String {
        "{\"product_ids\":[" + products.map { quoted($0) }.joined(separator: ",") + "],\"customer_id\":" + quoted(customer) + "}"
    }

    /// A JSON string literal of `text` (quotes, backslashes and control characters escaped).
    static func quoted(_ text: String) -> String {
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
