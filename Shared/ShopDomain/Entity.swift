/// An event-sourced entity: its JSON is the `entity` field of its events and the shape the public API returns.
public protocol Entity: Codable, Sendable, Equatable {
    /// The topic whose events carry this entity.
    static var topic: Topic { get }
    /// The entity's id: a lowercase UUID string made by the owning service.
    var id: String { get set }
    /// JSON keys whose values are arrays, stored as Redis lists in the projection (order: `["product_ids"]`).
    static var listFields: [String] { get }
    /// A JSON key that must be unique among live entities (inventory: `product_id`, billing: `order_id`).
    static var uniqueField: String? { get }
    /// The bytes `JSONEncoder` with `.sortedKeys` writes for this entity, written directly, or nil to use the
    /// encoder: a fast path for the entities written on every request (orders).
    var sortedKeysJSON: [UInt8]? { get }
}

extension Entity {
    public static var listFields: [String] { [] }
    public static var uniqueField: String? { nil }
    public var sortedKeysJSON: [UInt8]? { nil }
}

/// What a POST or PUT body decodes to: the entity without its id, strictly validated by `init(from:)`.
public protocol EntityDraft: Decodable, Sendable {
    associatedtype Made: Entity
    /// The entity this draft describes, under the id the owning service chose.
    func entity(id: String) -> Made
    /// JSON keys holding integers, which `BodyDecoder` insists are written plainly (`10`, not `10.0` or `1e1`).
    static var integerFields: Set<String> { get }
}

extension EntityDraft {
    public static var integerFields: Set<String> { [] }
}
