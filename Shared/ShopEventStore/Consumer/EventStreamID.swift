import ShopDomain

/// One event stream: a topic's events of one action (`events:{order}_created`).
public struct EventStreamID: Sendable, Hashable, CustomStringConvertible {
    /// The topic.
    public var topic: Topic
    /// The action whose events the stream holds.
    public var action: EventAction

    /// The stream of this topic and action.
    public init(_ topic: Topic, _ action: EventAction) {
        self.topic = topic
        self.action = action
    }

    /// The three streams of each topic.
    public static func all(of topics: [Topic]) -> [EventStreamID] {
        topics.flatMap { topic in EventAction.allCases.map { EventStreamID(topic, $0) } }
    }

    /// The Redis key.
    public var key: String { TopicKeys(topic).stream(action) }
    public var description: String { key }
}
