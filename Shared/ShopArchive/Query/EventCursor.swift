import ShopDomain
import ShopEventStore

/// A position in the archive's commit order: entry id, then topic (entry ids are allocated per topic, so two
/// topics may share one). Written `<ms>-<seq>:<topic>`; a bare entry id means "after every event with it".
public struct EventCursor: Sendable, Hashable, CustomStringConvertible {
    public var entryID: EntryID
    /// Nil when the caller gave a bare entry id.
    public var topic: Topic?

    /// A cursor at an event.
    public init(entryID: EntryID, topic: Topic?) {
        self.entryID = entryID
        self.topic = topic
    }

    /// Parses `<ms>-<seq>` or `<ms>-<seq>:<topic>`; nil when malformed or beyond PostgreSQL's bigint.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, first.contains("-"), let id = EntryID(String(first)),
              id.milliseconds <= UInt64(Int64.max), id.sequence <= UInt64(Int64.max) else { return nil }
        var topic: Topic?
        if parts.count == 2 {
            guard let named = Topic(rawValue: String(parts[1])) else { return nil }
            topic = named
        }
        self.init(entryID: id, topic: topic)
    }

    public var description: String {
        topic.map { "\(entryID):\($0.rawValue)" } ?? entryID.description
    }
}
