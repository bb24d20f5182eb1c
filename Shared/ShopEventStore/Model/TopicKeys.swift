import ShopDomain

/// The Redis keys of one topic, all hash-tagged `{topic}` so every script touches one cluster slot.
public struct TopicKeys: Sendable, Hashable {
    /// The topic these keys belong to.
    public let topic: Topic
    /// The hash tag, e.g. `{order}`.
    public let tag: String

    /// The prefix of the projection's keys: the tag itself, or a staging prefix under the same tag (rebuild).
    let base: String

    /// The keys of a topic.
    public init(_ topic: Topic) {
        self.topic = topic
        self.tag = "{\(topic.rawValue)}"
        self.base = tag
    }

    /// Projection keys under a staging prefix in the topic's slot, where a rebuild writes before the swap.
    init(staging topic: Topic, token: String) {
        self.topic = topic
        self.tag = "{\(topic.rawValue)}"
        self.base = "\(tag)_rebuild:\(token)"
    }

    /// The stream of one action, e.g. `events:{order}_created`.
    public func stream(_ action: EventAction) -> String { "events:\(tag)_\(action.rawValue)" }
    /// The topic's three streams, in action order.
    public var streams: [String] { EventAction.allCases.map(stream) }
    /// Sorted set of live entity ids, scored by creation order.
    public var ids: String { "\(base)_ids" }
    /// Hash: entity id → current version.
    public var versions: String { "\(base)_versions" }
    /// Hash of the append clock (`ms`, `seq` of the last entry id; `created` counter for creation order).
    public var clock: String { "\(tag)_clock" }
    /// Hash: live entity id → its whole JSON (a read-optimised copy of the fields and lists, kept by the same scripts).
    public var documents: String { "\(base)_json" }
    /// Hash of an entity's scalar fields, each value JSON text.
    public func entity(_ id: String) -> String { "\(base)_entity:\(id)" }
    /// List of a list-valued field, each item JSON text.
    public func list(_ field: String, _ id: String) -> String { "\(base)_\(field):\(id)" }
    /// Hash: value of a unique field → id of the live entity that holds it.
    public func unique(_ field: String) -> String { "\(base)_unique:\(field)" }
    /// Stream of entries a consumer group gave up on.
    public var deadLetter: String { "deadletter:\(tag)" }
    /// The topic and action of a stream name of this layout, or nil.
    public static func parse(stream: String) -> (topic: Topic, action: EventAction)? {
        guard stream.hasPrefix("events:{"), let close = stream.firstIndex(of: "}") else { return nil }
        let name = stream[stream.index(stream.startIndex, offsetBy: 8)..<close]
        let rest = stream[stream.index(after: close)...]
        guard let topic = Topic(rawValue: String(name)), rest.hasPrefix("_"),
              let action = EventAction(rawValue: String(rest.dropFirst())) else { return nil }
        return (topic, action)
    }
}
