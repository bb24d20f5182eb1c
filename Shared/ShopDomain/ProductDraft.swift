import ShopJSON

/// A product as POST and PUT bodies give it: `{"name", "price"}`; an `id` is ignored, any other field refused.
public struct ProductDraft: EntityDraft, Equatable {
    public static let integerFields: Set<String> = ["price"]
    public var name: String
    public var price: Int

    /// A draft built in code, unchecked (bodies go through `init(json:item:)`, which validates).
    public init(name: String, price: Int) {
        self.name = name
        self.price = price
    }

    /// Validates a body's object (`item`: its index in an array body); throws `ValidationError` with a user-facing message.
    public init(json value: JSONValue, item: Int?) throws(ValidationError) {
        let fields = try StrictFields(value, item: item, describing: "product", fields: ["name", "price"])
        name = try fields.text("name", maxLength: DomainLimits.maxNameLength)
        price = try fields.integer("price", in: 0...DomainLimits.maxPrice)
    }

    /// The entity this draft describes, under the id the owning service chose.
    public func entity(id: String) -> Product {
        Product(id: id, name: name, price: price)
    }
}
