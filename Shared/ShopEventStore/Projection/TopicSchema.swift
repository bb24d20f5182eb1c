import ShopDomain

/// How a topic's entities are laid out in the projection: which fields are lists, which one is unique (as the
/// topic says; the store names no entity type).
struct TopicSchema: Sendable {
    let listFields: [String]
    let uniqueField: String?

    /// The schema of a topic.
    static func of(_ topic: Topic) -> TopicSchema {
        TopicSchema(listFields: topic.listFields, uniqueField: topic.uniqueField)
    }
}
