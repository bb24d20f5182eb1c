import ShopJSON

/// A customer as POST and PUT bodies give it: `{"name", "email"}`; an `id` is ignored, any other field refused.
public struct CustomerDraft: EntityDraft, Equatable {
    public var name: String
    public var email: String

    /// A draft built in code, unchecked (bodies go through `init(json:item:)`, which validates).
    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }

    /// Validates a body's object (`item`: its index in an array body); throws `ValidationError` with a user-facing message.
    public init(json value: JSONValue, item: Int?) throws(ValidationError) {
        let fields = try StrictFields(value, item: item, describing: "customer", fields: ["name", "email"])
        name = try fields.text("name", maxLength: DomainLimits.maxNameLength)
        email = try fields.email("email")
    }

    /// The entity this draft describes, under the id the owning service chose.
    public func entity(id: String) -> Customer {
        Customer(id: id, name: name, email: email)
    }
}
