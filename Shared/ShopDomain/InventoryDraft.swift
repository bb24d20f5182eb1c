import ShopJSON

/// Stock as POST and PUT bodies give it: `{"product_id", "amount"}`; an `id` is ignored, any other field refused.
public struct InventoryDraft: EntityDraft, Equatable {
    public static let integerFields: Set<String> = ["amount"]
    /// The product's id, lowercase.
    public var productID: String
    public var amount: Int

    /// A draft built in code, unchecked (bodies go through `init(json:item:)`, which validates).
    public init(productID: String, amount: Int) {
        self.productID = productID
        self.amount = amount
    }

    /// Validates a body's object (`item`: its index in an array body); throws `ValidationError` with a user-facing message.
    public init(json value: JSONValue, item: Int?) throws(ValidationError) {
        let fields = try StrictFields(value, item: item, describing: "inventory entry", fields: ["product_id", "amount"])
        productID = try fields.identifier("product_id")
        amount = try fields.integer("amount", in: 0...DomainLimits.maxAmount)
    }

    /// The entity this draft describes, under the id the owning service chose.
    public func entity(id: String) -> Inventory {
        Inventory(id: id, productID: productID, amount: amount)
    }
}
