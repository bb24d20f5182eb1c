/// A customer: `{"id", "name", "email"}`.
public struct Customer: Entity, Hashable {
    public static let topic = Topic.customer

    public var id: String
    public var name: String
    public var email: String

    /// A customer as stored; `id` should come from `EntityID.make()`.
    public init(id: String, name: String, email: String) {
        self.id = id
        self.name = name
        self.email = email
    }
}
