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

    /// Checks every id `drafts` name in this field with one command; the first unknown one is a 422.
    func check(_ drafts: [Draft], store: EventStore) async throws {
        var seen = Set<String>()
        let ids = drafts.flatMap(self.ids).filter { seen.insert($0).inserted }
        guard !ids.isEmpty else { return }
        let exists = try await store.exists(topic, ids: ids)
        if let missing = zip(ids, exists).first(where: { !$0.1 })?.0 {
            throw HTTPError(.unprocessableEntity, "\(field) \(missing) does not name an existing \(topic.rawValue)")
        }
    }
}
