import Metrics
import ShopDomain

/// The store's metrics: events appended, by topic and action (created once, incremented without lookups).
struct EventStoreMetrics: Sendable {
    private let appendedCounters: [Topic: [EventAction: Counter]]

    init() {
        var counters: [Topic: [EventAction: Counter]] = [:]
        for topic in Topic.allCases {
            for action in EventAction.allCases {
                counters[topic, default: [:]][action] = Counter(label: "events_appended_total",
                                                                dimensions: [("topic", topic.rawValue), ("action", action.rawValue)])
            }
        }
        appendedCounters = counters
    }

    func appended(topic: Topic, action: EventAction) {
        appendedCounters[topic]?[action]?.increment()
    }
}
