/// The five kinds of entity, one event topic each; the raw value names the streams (`events:{order}_created`).
public enum Topic: String, CaseIterable, Sendable, Codable {
    case customer, product, inventory, order, billing

    /// The JSON keys of the topic's entity whose values are arrays (order: `["product_ids"]`).
    public var listFields: [String] { entityType.listFields }

    /// The JSON key that must be unique among the topic's live entities (inventory: `product_id`).
    public var uniqueField: String? { entityType.uniqueField }

    private var entityType: any Entity.Type {
        switch self {
        case .customer: Customer.self
        case .product: Product.self
        case .inventory: Inventory.self
        case .order: Order.self
        case .billing: Billing.self
        }
    }
}
