import ShopJSON

/// An order: `{"id", "product_ids", "customer_id"}`; a product id appears once for each item bought.
public struct Order: Entity, Hashable {
    public static let topic = Topic.order
    public static let listFields = ["product_ids"]

    public var id: String
    public var productIDs: [String]
    public var customerID: String

    /// An order as stored; `id` should come from `EntityID.make()`.
    public init(id: String, productIDs: [String], customerID: String) {
        self.id = id
        self.productIDs = productIDs
        self.customerID = customerID
    }

    enum CodingKeys: String, CodingKey {
        case id
        case productIDs = "product_ids"
        case customerID = "customer_id"
    }

    public init(json object: JSONObject) throws(JSONError) {
        self.init(id: try object.string("id"), productIDs: try object.strings("product_ids"),
                  customerID: try object.string("customer_id"))
    }

    public func writeFields(into writer: inout JSONWriter<[UInt8]>) {
        writer.field("customer_id", customerID)
        writer.field("id", id)
        writer.field("product_ids", productIDs)
    }
}
