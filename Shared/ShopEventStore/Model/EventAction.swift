/// What an event did to its aggregate; each action has its own stream per topic.
public enum EventAction: String, Sendable, Hashable, CaseIterable, Codable {
    case created
    case updated
    case deleted
}
