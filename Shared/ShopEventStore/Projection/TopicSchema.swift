import ShopDomain

/// How a topic's entities are laid out in the projection: which fields are lists, which one is unique.
struct TopicSchema: Sendable {
    let listFields: [String]
    let uniqueField: String?

    init<E: Entity>(_ type: E.Type) {
        listFields = E.listFields
        uniqueField = E.uniqueField
    }

    /// The schema of each topic's entity type.
    static func of(_ topic: Topic) -> TopicSchema {
        switch topic {
        case .customer: TopicSchema(Customer.self)
        case .product: TopicSchema(Product.self)
        case .inventory: TopicSchema(Inventory.self)
        case .order: TopicSchema(Order.self)
        case .billing: TopicSchema(Billing.self)
        }
    }
}
