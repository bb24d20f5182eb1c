/// One kind of request the load generator sends to the gateway.
public enum LoadOperation: String, CaseIterable, Codable, Sendable, Comparable {
    /// `POST /orders` of one order (single product unless `--items` says more); 409 is a refusal, not an error.
    case orders
    /// `GET /orders`: the whole list of orders.
    case reads
    /// `GET /report`: every projection in one answer.
    case report

    /// How an answer of this operation counts.
    public func outcome(status: Int) -> RequestOutcome {
        switch status {
        case 200..<300: return .ok
        case 304 where self != .orders: return .ok   // a conditional read: the list the client holds is current
        case 409 where self == .orders: return .refused
        default: return .failed
        }
    }

    /// Report order: the order of declaration.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
