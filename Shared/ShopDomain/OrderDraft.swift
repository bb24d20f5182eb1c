import ShopJSON

/// An order as POST and PUT bodies give it: `{"product_ids": [...], "customer_id"}`; an `id` is ignored, any other field refused.
public struct OrderDraft: EntityDraft, Equatable {
    /// 1 to 1000 product ids, lowercase, repeats allowed (one per item bought).
    public var productIDs: [String]
    /// The customer's id, lowercase.
    public var customerID: String

    /// A draft built in code, unchecked (bodies go through `init(json:item:)`, which validates).
    public init(productIDs: [String], customerID: String) {
        self.productIDs = productIDs
        self.customerID = customerID
    }

    /// Validates a body's object (`item`: its index in an array body); throws `ValidationError` with a user-facing message.
    public init(json value: JSONValue, item: Int?) throws(ValidationError) {
        let fields = try StrictFields(value, item: item, describing: "order", fields: ["product_ids", "customer_id"])
        productIDs = try fields.identifiers("product_ids", maxCount: DomainLimits.maxProductIDsPerOrder)
        customerID = try fields.identifier("customer_id")
    }

    /// The entity this draft describes, under the id the owning service chose.
    public func entity(id: String) -> Order {
        Order(id: id, productIDs: productIDs, customerID: customerID)
    }
}
