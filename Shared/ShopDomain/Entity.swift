import ShopJSON

/// An event-sourced entity: its JSON is the `entity` field of its events and the shape the public API returns.
///
/// The store reads and writes it with `ShopJSON` (`init(json:)`, `writeFields`); `Codable` remains for clients.
public protocol Entity: Codable, Sendable, Equatable {
    /// The topic whose events carry this entity.
    static var topic: Topic { get }
    /// The entity's id: a lowercase UUID string made by the owning service.
    var id: String { get set }
    /// JSON keys whose values are arrays, stored as Redis lists in the projection (order: `["product_ids"]`).
    static var listFields: [String] { get }
    /// A JSON key that must be unique among live entities (inventory: `product_id`, billing: `order_id`).
    static var uniqueField: String? { get }
    /// The entity as its JSON object holds it (an event's, or a document of the projection).
    init(json object: JSONObject) throws(JSONError)
    /// Writes the entity's fields in sorted key order, as `JSONEncoder` with `.sortedKeys` writes them.
    func writeFields(into writer: inout JSONWriter<[UInt8]>)
}

extension Entity {
    public static var listFields: [String] { [] }
    public static var uniqueField: String? { nil }

    /// The entity's JSON, keys sorted and `/` escaped: byte for byte what `JSONEncoder` with `.sortedKeys` writes,
    /// so equal entities give equal events and answers, as they always have.
    public var json: [UInt8] {
        var writer = JSONWriter(escapingSlash: true)
        writeFields(into: &writer)
        return writer.finished()
    }

    /// The entity in `bytes`, a JSON object.
    public init(jsonBytes bytes: [UInt8]) throws(JSONError) {
        let value = try JSONReader.read(bytes)
        guard case .object(let object) = value else { throw JSONError(.invalidValue, "\(Self.self) must be a JSON object") }
        try self.init(json: object)
    }
}

/// What a POST or PUT body decodes to: the entity without its id, strictly validated by `init(json:item:)`.
public protocol EntityDraft: BodyDecodable {
    associatedtype Made: Entity
    /// The entity this draft describes, under the id the owning service chose.
    func entity(id: String) -> Made
}
