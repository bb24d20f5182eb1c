/// A product as POST and PUT bodies give it: `{"name", "price"}`; an `id` or other extra fields are ignored.
public struct ProductDraft: EntityDraft, Equatable {
    public var name: String
    public var price: Int

    public init(name: String, price: Int) {
        self.name = name
        self.price = price
    }

    public init(from decoder: any Decoder) throws {
        let fields = try StrictFields(decoder, describing: "product")
        name = try fields.text("name", maxLength: DomainLimits.maxNameLength)
        price = try fields.integer("price", in: 0...DomainLimits.maxPrice)
    }

    public func entity(id: String) -> Product {
        Product(id: id, name: name, price: price)
    }
}
