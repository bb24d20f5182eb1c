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
    /// Reading and folding the events (last attempt).
    public var foldDuration: Duration
    /// Writing the staging keys (last attempt).
    public var stageDuration: Duration
    /// The swap script (last attempt).
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
        /// The read-optimised JSON copy is missing or differs from the events.
        case document
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
    /// The projection's side, as text.
    public var projection: String
    /// The events' side (the fold), as text.
    public var events: String

    public var description: String { "\(kind.rawValue) \(aggregateID): projection=\(projection) events=\(events)" }
}
