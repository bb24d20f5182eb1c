import ShopDomain
import ShopEventStore
import ShopHTTP

/// A field of a draft that names entities of another topic: they must exist, or the command is a 422.
public struct Reference<Draft: EntityDraft>: Sendable {
    /// The JSON field, for the error message, e.g. `customer_id`.
    public var field: String
    /// The topic the ids belong to.
    public var topic: Topic
    /// The ids a draft names in this field.
    public var ids: @Sendable (Draft) -> [String]

    /// A reference from `field` to entities of `topic`.
    public init(_ field: String, to topic: Topic, _ ids: @escaping @Sendable (Draft) -> [String]) {
        self.field = field
        self.topic = topic
        self.ids = ids
    }

    /// The ids `drafts` name in this field, each once, in the order first named.
    func ids(in drafts: [Draft]) -> [String] {
        var seen = Set<String>()
        return drafts.flatMap(self.ids).filter { seen.insert($0).inserted }
    }

    /// Checks every reference of `drafts` with one round trip (a pipeline); the first unknown id is a 422.
    public static func check(_ references: [Reference], _ drafts: [Draft], store: EventStore) async throws {
        let named = references.map { $0.ids(in: drafts) }
        let exists = try await store.exists(zip(references, named).map { ($0.topic, $1) })
        for (reference, (ids, found)) in zip(references, zip(named, exists)) {
            if let missing = zip(ids, found).first(where: { !$0.1 })?.0 {
                throw HTTPError(.unprocessableEntity,
                                "\(reference.field) \(missing) does not name an existing \(reference.topic.rawValue)")
            }
        }
    }
}
