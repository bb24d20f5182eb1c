/// An order: `{"id", "product_ids", "customer_id"}`; a product id appears once for each item bought.
public struct Order: Entity, Hashable {
    public static let topic = Topic.order
    public static let listFields = ["product_ids"]

    public var id: String
    public var productIDs: [String]
    public var customerID: String

    /// An order as stored; `id` should come from `EntityID.make()`.
    public init(id: String, productIDs: [String], customerID: String) {
        self.id = id
        self.productIDs = productIDs
        self.customerID = customerID
    }

    enum CodingKeys: String, CodingKey {
        case id
        case productIDs = "product_ids"
        case customerID = "customer_id"
    }
}

extension Order {
    /// `{"customer_id":…,"id":…,"product_ids":[…]}` as `JSONEncoder` with `.sortedKeys` writes it, when no string
    /// needs an escape (ids never do); nil otherwise.
    public var sortedKeysJSON: [UInt8]? {
        let strings = [customerID, id] + productIDs
        guard strings.allSatisfy(Self.isPlain) else { return nil }
        var json: [UInt8] = []
        json.reserveCapacity(60 + strings.reduce(0) { $0 + $1.utf8.count + 3 })
        json += #"{"customer_id":""#.utf8
        json += customerID.utf8
        json += #"","id":""#.utf8
        json += id.utf8
        json += #"","product_ids":["#.utf8
        for (index, productID) in productIDs.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            json.append(UInt8(ascii: "\""))
            json += productID.utf8
            json.append(UInt8(ascii: "\""))
        }
        json += "]}".utf8
        return json
    }

    /// No byte `JSONEncoder` would escape: quote, backslash, slash, controls.
    private static func isPlain(_ text: String) -> Bool {
        !text.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "/") }
    }
}
