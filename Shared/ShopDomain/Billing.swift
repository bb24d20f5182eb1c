import ShopJSON

/// A billing of one order: `{"id", "order_id", "done"}`, `done` the Unix time (seconds) it was made; one per order.
public struct Billing: Entity, Hashable {
    public static let topic = Topic.billing
    public static let uniqueField: String? = "order_id"

    public var id: String
    public var orderID: String
    public var done: Int

    /// A billing as stored; `id` should come from `EntityID.make()`.
    public init(id: String, orderID: String, done: Int) {
        self.id = id
        self.orderID = orderID
        self.done = done
    }

    enum CodingKeys: String, CodingKey {
        case id
        case orderID = "order_id"
        case done
    }

    public init(json object: JSONObject) throws(JSONError) {
        self.init(id: try object.string("id"), orderID: try object.string("order_id"), done: try object.integer("done"))
    }

    public func writeFields(into writer: inout JSONWriter<[UInt8]>) {
        writer.field("done", done)
        writer.field("id", id)
        writer.field("order_id", orderID)
    }
}
