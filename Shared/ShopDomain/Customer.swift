import ShopJSON

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

    public init(json object: JSONObject) throws(JSONError) {
        self.init(id: try object.string("id"), name: try object.string("name"), email: try object.string("email"))
    }

    public func writeFields(into writer: inout JSONWriter<[UInt8]>) {
        writer.field("email", email)
        writer.field("id", id)
        writer.field("name", name)
    }
}
