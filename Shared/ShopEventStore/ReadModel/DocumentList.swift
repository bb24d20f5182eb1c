import NIOCore

/// The live entities of one topic as their JSON documents, in creation order: what a list read answers.
///
/// Entities sit in segments of `segmentSize` by creation sequence, each keeping its documents joined with commas,
/// so a change rejoins one segment and a whole-list answer is a few hundred shared buffers, never a copy of the
/// list. A value type: a reader's copy stays as it was while the cache moves on (copy on write, per segment).
public struct DocumentList: Sendable {
    /// Entities per segment: small enough that rejoining one is cheap, large enough that a list is few buffers.
    public static let segmentSize = 256

    struct Entry: Sendable {
        let id: String
        let sequence: Int
        var document: ByteBuffer
        var digest: UInt64
        /// The value of the topic's unique field (billing: its order id), when it has one.
        var uniqueValue: String?
    }

    struct Segment: Sendable {
        var entries: [Entry] = []
        /// The documents joined with commas; nil after a change until `seal()`.
        var joined: ByteBuffer? = ByteBuffer()
    }

    /// The unique field whose values `holds(uniqueValue:)` answers for (nil: none).
    let uniqueField: String?
    var segments: [Segment] = []
    /// The segment number of `segments[0]` (leading segments that emptied are dropped).
    var firstSegment = 0
    var nextSequence = 0
    /// Live id → creation sequence.
    var sequences: [String: Int] = [:]
    /// Deleted id → the sequence it had, so a page `after` an entity deleted meanwhile goes on where it was.
    var retired: [String: Int] = [:]
    /// Live entities per unique value.
    var uniqueValues: [String: Int] = [:]
    /// How many live entities the list holds.
    public private(set) var count = 0
    var documentBytes = 0
    /// Sum of the entries' digests: with the count and size, it changes exactly when the list's content does.
    var digestSum: UInt64 = 0

    /// An empty list; `uniqueField` names a top-level string field to index (see `holds(uniqueValue:)`).
    public init(uniqueField: String? = nil) {
        self.uniqueField = uniqueField
    }

    /// A strong entity tag for the whole list: the same content gives the same tag in every process.
    public var etag: String { Self.etag(count: count, bytes: documentBytes, digest: digestSum) }

    /// Whether a live entity has `value` in its unique field.
    public func holds(uniqueValue value: String) -> Bool { (uniqueValues[value] ?? 0) > 0 }

    /// Whether the list holds a live entity with this id.
    public func contains(id: String) -> Bool { sequences[id] != nil }

    /// Creates the entity at the end, or replaces its document where it already is.
    public mutating func upsert(id: String, document: ByteBuffer) {
        if let sequence = sequences[id] {
            replace(sequence: sequence, document: document)
            return
        }
        let sequence = nextSequence
        nextSequence += 1
        let number = sequence / Self.segmentSize - firstSegment
        while segments.count <= number { segments.append(Segment()) }
        let entry = Entry(id: id, sequence: sequence, document: document, digest: Self.digest(id: id, document: document),
                          uniqueValue: uniqueValue(of: document))
        segments[number].entries.append(entry)
        segments[number].joined = nil
        sequences[id] = sequence
        retired[id] = nil
        count += 1
        account(entry, sign: 1)
    }

    /// Replaces the document of a live entity; an unknown id changes nothing (it was deleted since).
    public mutating func update(id: String, document: ByteBuffer) {
        guard let sequence = sequences[id] else { return }
        replace(sequence: sequence, document: document)
    }

    /// Removes a live entity; an unknown id changes nothing.
    public mutating func remove(id: String) {
        guard let sequence = sequences.removeValue(forKey: id), let (number, index) = locate(sequence) else { return }
        let entry = segments[number].entries.remove(at: index)
        segments[number].joined = nil
        retired[id] = sequence
        if retired.count > Self.maxRetired { forgetOldestRetired() }
        count -= 1
        account(entry, sign: -1)
        // A leading segment that emptied and will get no more entities (creation moved past it) goes.
        while let first = segments.first, first.entries.isEmpty, (firstSegment + 1) * Self.segmentSize <= nextSequence {
            segments.removeFirst()
            firstSegment += 1
        }
    }

    /// Deleted ids remembered for paging `after` them; past this, the older half is forgotten (such an `after` is then
    /// refused like an unknown id), so a long-running gateway's memory does not grow with every delete.
    public static let maxRetired = 100_000

    private mutating func forgetOldestRetired() {
        let sequences = retired.values.sorted()
        let cut = sequences[sequences.count / 2]
        retired = retired.filter { $0.value >= cut }
    }

    /// Joins the documents of every segment changed since the last call (done once per change, not per read).
    public mutating func seal() {
        for number in segments.indices where segments[number].joined == nil {
            segments[number].joined = Self.join(segments[number].entries[...])
        }
    }

    /// The whole list as a JSON array, as buffers to send in turn: `[`, the segments with `,` between, `]`.
    public var jsonParts: [ByteBuffer] {
        var parts: [ByteBuffer] = [Self.open]
        parts.reserveCapacity(2 * segments.count + 2)
        for segment in segments where !segment.entries.isEmpty {
            if parts.count > 1 { parts.append(Self.comma) }
            parts.append(segment.joined ?? Self.join(segment.entries[...]))
        }
        parts.append(Self.close)
        return parts
    }

    private mutating func replace(sequence: Int, document: ByteBuffer) {
        guard let (number, index) = locate(sequence) else { return }
        let old = segments[number].entries[index]
        account(old, sign: -1)
        var entry = old
        entry.document = document
        entry.digest = Self.digest(id: entry.id, document: document)
        entry.uniqueValue = uniqueValue(of: document)
        segments[number].entries[index] = entry
        segments[number].joined = nil
        account(entry, sign: 1)
    }

    private mutating func account(_ entry: Entry, sign: Int) {
        documentBytes += sign * entry.document.readableBytes
        digestSum = sign > 0 ? digestSum &+ entry.digest : digestSum &- entry.digest
        if let value = entry.uniqueValue {
            let remaining = (uniqueValues[value] ?? 0) + sign
            uniqueValues[value] = remaining > 0 ? remaining : nil
        }
    }

    /// The segment index and position of the entry with `sequence`, if it is live.
    func locate(_ sequence: Int) -> (segment: Int, index: Int)? {
        let number = sequence / Self.segmentSize - firstSegment
        guard segments.indices.contains(number) else { return nil }
        let index = Self.firstIndex(in: segments[number].entries, after: sequence - 1)
        guard index < segments[number].entries.count, segments[number].entries[index].sequence == sequence else { return nil }
        return (number, index)
    }

    /// The index of the first entry whose sequence is above `sequence` (entries are sorted by sequence).
    static func firstIndex(in entries: [Entry], after sequence: Int) -> Int {
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].sequence <= sequence { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private func uniqueValue(of document: ByteBuffer) -> String? {
        guard let uniqueField else { return nil }
        return DocumentFields.string(uniqueField, in: document)
    }
}
