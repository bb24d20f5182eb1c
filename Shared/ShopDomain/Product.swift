/// A product: `{"id", "name", "price"}`, the price a whole number ≥ 0.
public struct Product: Entity, Hashable {
    public static let topic = Topic.product

    public var id: String
    public var name: String
    public var price: Int

    /// A product as stored; `id` should come from `EntityID.make()`.
    public init(id: String, name: String, price: Int) {
        self.id = id
        self.name = name
        self.price = price
    }
}
