/// What the archiver has done so far, for `/status`, logs and tests.
public struct ArchiverStatus: Sendable, Equatable, Codable {
    /// Entries written and acknowledged since start (including entries PostgreSQL already held).
    public var acknowledged = 0
    /// Rows actually inserted since start (duplicates skipped by `ON CONFLICT` are not counted).
    public var inserted = 0
    /// Entries moved to a dead-letter stream because they cannot be archived (malformed).
    public var deadLettered = 0
    /// Batches committed since start.
    public var batches = 0
    /// The last failure (PostgreSQL or Redis), cleared by the next committed batch.
    public var lastError: String?

    enum CodingKeys: String, CodingKey {
        case acknowledged, inserted, batches
        case deadLettered = "dead_lettered"
        case lastError = "last_error"
    }
}
