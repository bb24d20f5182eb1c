import Foundation

/// A billing as POST and PUT bodies give it: `{"order_id"}` and optionally `"done"` (Unix seconds).
/// The original always stamped the current time; we keep a valid `done` the client sends, else stamp now.
public struct BillingDraft: EntityDraft, Equatable {
    /// The billed order's id, lowercase.
    public var orderID: String
    /// The billing time the client gave, if any.
    public var done: Int?

    public init(orderID: String, done: Int? = nil) {
        self.orderID = orderID
        self.done = done
    }

    public init(from decoder: any Decoder) throws {
        let fields = try StrictFields(decoder, describing: "billing")
        orderID = try fields.identifier("order_id")
        done = try fields.optionalInteger("done", in: 0...DomainLimits.maxDone)
    }

    /// The billing, stamped with `done` from the body or else the current time.
    public func entity(id: String) -> Billing {
        entity(id: id, now: Int(Date().timeIntervalSince1970))
    }

    /// The billing, stamped with `done` from the body or else `now` (Unix seconds).
    public func entity(id: String, now: Int) -> Billing {
        Billing(id: id, orderID: orderID, done: done ?? now)
    }
}
