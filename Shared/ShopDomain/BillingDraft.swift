import Foundation
import ShopJSON

/// A billing as POST and PUT bodies give it: `{"order_id"}`. Like the original, the service stamps `done` itself,
/// so a `done` in the body is ignored along with `id`; any other field is refused.
public struct BillingDraft: EntityDraft, Equatable {
    /// The billed order's id, lowercase.
    public var orderID: String

    /// A draft built in code, unchecked (bodies go through `init(json:item:)`, which validates).
    public init(orderID: String) {
        self.orderID = orderID
    }

    /// Validates a body's object (`item`: its index in an array body); throws `ValidationError` with a user-facing message.
    public init(json value: JSONValue, item: Int?) throws(ValidationError) {
        let fields = try StrictFields(value, item: item, describing: "billing", fields: ["order_id"], ignoring: ["done"])
        orderID = try fields.identifier("order_id")
    }

    /// The billing, stamped with the current Unix time in whole seconds.
    public func entity(id: String) -> Billing {
        entity(id: id, now: Int(Date().timeIntervalSince1970))
    }

    /// The billing, stamped with `now` (Unix seconds).
    public func entity(id: String, now: Int) -> Billing {
        Billing(id: id, orderID: orderID, done: now)
    }
}
