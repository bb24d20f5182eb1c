import ShopJSON

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

    public init(json object: JSONObject) throws(JSONError) {
        self.init(id: try object.string("id"), name: try object.string("name"), price: try object.integer("price"))
    }

    public func writeFields(into writer: inout JSONWriter<[UInt8]>) {
        writer.field("id", id)
        writer.field("name", name)
        writer.field("price", price)
    }
}
