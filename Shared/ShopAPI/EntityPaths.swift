import ShopDomain

/// Where an entity's routes live in the public API; the gateway and the owning service register the same paths,
/// so the gateway forwards a command unchanged.
public struct EntityPaths: Sendable, Equatable {
    /// The entity's topic.
    public var topic: Topic
    /// GET list and POST create, e.g. `/customers`.
    public var collection: String
    /// Every path where POST creates, e.g. `/customers` and `/customer`.
    public var createPaths: [String]
    /// GET, PUT and DELETE of one entity, e.g. `/customer/{id}`.
    public var item: String

    /// The paths of `topic`, as the original gateway had them.
    public static func of(_ topic: Topic) -> EntityPaths {
        switch topic {
        case .customer: EntityPaths(topic: topic, collection: "/customers", createPaths: ["/customers", "/customer"], item: "/customer/{id}")
        case .product: EntityPaths(topic: topic, collection: "/products", createPaths: ["/products", "/product"], item: "/product/{id}")
        case .inventory: EntityPaths(topic: topic, collection: "/inventory", createPaths: ["/inventory"], item: "/inventory/{id}")
        case .order: EntityPaths(topic: topic, collection: "/orders", createPaths: ["/orders", "/order"], item: "/order/{id}")
        case .billing: EntityPaths(topic: topic, collection: "/billings", createPaths: ["/billings", "/billing"], item: "/billing/{id}")
        }
    }

    /// The path of one entity, e.g. `/customer/3f25…` (the id already validated).
    public func item(_ id: String) -> String {
        String(item.dropLast("{id}".count)) + id
    }
}
