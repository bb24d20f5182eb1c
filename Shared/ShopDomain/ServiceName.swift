import Foundation

/// The nine executables of OrderShop: their names, default ports and where to find them.
public enum ServiceName: String, CaseIterable, Sendable, Hashable, Codable {
    case gateway = "gateway-api"
    case customer = "customer-service"
    case product = "product-service"
    case inventory = "inventory-service"
    case order = "order-service"
    case billing = "billing-service"
    case crm = "crm-service"
    case msg = "msg-service"
    case archive = "archive-service"

    /// The executable (product) name, e.g. `crm-service`.
    public var executable: String { rawValue }

    /// The port the design gives this service (5000–5008).
    public var defaultPort: Int {
        switch self {
        case .gateway: 5000
        case .customer: 5001
        case .product: 5002
        case .inventory: 5003
        case .order: 5004
        case .billing: 5005
        case .crm: 5006
        case .msg: 5007
        case .archive: 5008
        }
    }

    /// The variable that tells other processes where this service listens, e.g. `CRM_SERVICE_URL`.
    public var urlVariable: String {
        rawValue.uppercased().replacingOccurrences(of: "-", with: "_") + "_URL"
    }

    /// The URL a local stack reaches this service at when nothing is configured.
    public var defaultURL: String { "http://127.0.0.1:\(defaultPort)" }

    /// The service whose executable is `name`, if any.
    public init?(executable name: String) {
        self.init(rawValue: name)
    }
}
