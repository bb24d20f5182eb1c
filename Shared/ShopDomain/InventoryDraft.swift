/// Stock as POST and PUT bodies give it: `{"product_id", "amount"}`; an `id` or other extra fields are ignored.
public struct InventoryDraft: EntityDraft, Equatable {
    /// The product's id, lowercase.
    public var productID: String
    public var amount: Int

    public init(productID: String, amount: Int) {
        self.productID = productID
        self.amount = amount
    }

    public init(from decoder: any Decoder) throws {
        let fields = try StrictFields(decoder, describing: "inventory entry")
        productID = try fields.identifier("product_id")
        amount = try fields.integer("amount", in: 0...DomainLimits.maxAmount)
    }

    public func entity(id: String) -> Inventory {
        Inventory(id: id, productID: productID, amount: amount)
    }
}
