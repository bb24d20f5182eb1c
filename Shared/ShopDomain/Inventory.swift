/// The stock of one product: `{"id", "product_id", "amount"}`, at most one per product.
public struct Inventory: Entity, Hashable {
    public static let topic = Topic.inventory
    public static let uniqueField: String? = "product_id"

    public var id: String
    public var productID: String
    public var amount: Int

    /// A stock entry as stored; `id` should come from `EntityID.make()`.
    public init(id: String, productID: String, amount: Int) {
        self.id = id
        self.productID = productID
        self.amount = amount
    }

    enum CodingKeys: String, CodingKey {
        case id
        case productID = "product_id"
        case amount
    }
}
