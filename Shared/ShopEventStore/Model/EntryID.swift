/// A Redis stream entry id (`<ms>-<seq>`), ordered as Redis orders them.
public struct EntryID: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// Milliseconds part.
    public var milliseconds: UInt64
    /// Sequence part.
    public var sequence: UInt64

    /// The smallest id, before every entry.
    public static let zero = EntryID(milliseconds: 0, sequence: 0)

    /// An id from its parts.
    public init(milliseconds: UInt64, sequence: UInt64) {
        self.milliseconds = milliseconds
        self.sequence = sequence
    }

    /// Parses `<ms>-<seq>` (or a bare `<ms>`, meaning sequence 0); nil for anything else.
    public init?(_ text: String) {
        // Hand-rolled: it runs for every entry read (rebuild, replay, consumers).
        var milliseconds: UInt64 = 0
        var sequence: UInt64 = 0
        var digits = 0
        var inSequence = false
        for byte in text.utf8 {
            if byte == UInt8(ascii: "-") {
                guard !inSequence, digits > 0 else { return nil }
                inSequence = true
                digits = 0
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = UInt64(byte - UInt8(ascii: "0"))
            let (scaled, overflowA) = (inSequence ? sequence : milliseconds).multipliedReportingOverflow(by: 10)
            let (value, overflowB) = scaled.addingReportingOverflow(digit)
            guard !overflowA, !overflowB else { return nil }
            if inSequence { sequence = value } else { milliseconds = value }
            digits += 1
        }
        guard digits > 0 else { return nil }
        self.init(milliseconds: milliseconds, sequence: sequence)
    }

    public var description: String { "\(milliseconds)-\(sequence)" }

    public static func < (lhs: EntryID, rhs: EntryID) -> Bool {
        (lhs.milliseconds, lhs.sequence) < (rhs.milliseconds, rhs.sequence)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = EntryID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a stream entry id: \(text)"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
