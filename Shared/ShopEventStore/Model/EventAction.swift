/// What an event did to its aggregate; each action has its own stream per topic.
public enum EventAction: String, Sendable, Hashable, CaseIterable, Codable {
    /// The aggregate came into being (version 1).
    case created
    /// The aggregate was replaced by a new state.
    case updated
    /// The aggregate was removed; the event carries its last state.
    case deleted
}
