/// What a rebuild did.
public struct RebuildReport: Sendable, Equatable {
    /// Events folded.
    public var events: Int
    /// Live entities in the new projection.
    public var entities: Int
    /// Wall time of the whole rebuild.
    public var duration: Duration
    /// Attempts needed (a rebuild retries when events were appended while it ran).
    public var attempts: Int
    /// Of the last attempt: reading and folding the events, writing the staging keys, the swap script.
    public var foldDuration: Duration
    public var stageDuration: Duration
    public var swapDuration: Duration
}

/// One disagreement between the projection and the fold of the events.
public struct Difference: Sendable, Equatable, CustomStringConvertible {
    /// What disagrees.
    public enum Kind: String, Sendable {
        /// Live in the events, absent from the projection.
        case missing
        /// In the projection, not live in the events.
        case unexpected
        /// Present in both with different content.
        case entity
        /// A different current version.
        case version
        /// Live ids in a different creation order.
        case order
        /// The unique-field index names a different owner.
        case unique
    }

    /// What disagrees.
    public var kind: Kind
    /// The aggregate (or unique value) concerned; empty for `order`.
    public var aggregateID: String
    /// The projection's side and the events' side, as text.
    public var projection: String
    public var events: String

    public var description: String { "\(kind.rawValue) \(aggregateID): projection=\(projection) events=\(events)" }
}
