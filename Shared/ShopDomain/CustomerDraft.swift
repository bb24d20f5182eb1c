/// A customer as POST and PUT bodies give it: `{"name", "email"}`; an `id` or other extra fields are ignored.
public struct CustomerDraft: EntityDraft, Equatable {
    public var name: String
    public var email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }

    public init(from decoder: any Decoder) throws {
        let fields = try StrictFields(decoder, describing: "customer")
        name = try fields.text("name", maxLength: DomainLimits.maxNameLength)
        email = try fields.email("email")
    }

    public func entity(id: String) -> Customer {
        Customer(id: id, name: name, email: email)
    }
}
