import ShopJSON

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

    public init(json object: JSONObject) throws(JSONError) {
        self.init(id: try object.string("id"), productID: try object.string("product_id"), amount: try object.integer("amount"))
    }

    public func writeFields(into writer: inout JSONWriter<[UInt8]>) {
        writer.field("amount", amount)
        writer.field("id", id)
        writer.field("product_id", productID)
    }
}
