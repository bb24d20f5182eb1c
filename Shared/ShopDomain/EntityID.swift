import Foundation

/// Entity ids: lowercase UUID strings (`8-4-4-4-12` hex digits), as the original made them.
public enum EntityID {
    /// A new random id.
    public static func make() -> String {
        UUID().uuidString.lowercased()
    }

    /// The id in its normal lowercase form, or a `ValidationError` naming what is wrong with it.
    public static func validate(_ text: String) throws(ValidationError) -> String {
        guard let normalized = normalize(text) else {
            throw ValidationError(.invalidValue, "\(Quote.value(text)) is not a valid id: ids are UUIDs like \(example)")
        }
        return normalized
    }

    /// The lowercase form of a well-formed UUID string, nil for anything else.
    public static func normalize(_ text: String) -> String? {
        let utf8 = Array(text.utf8)
        guard utf8.count == 36 else { return nil }
        var lowered = [UInt8]()
        lowered.reserveCapacity(36)
        for (offset, byte) in utf8.enumerated() {
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                lowered.append(byte)
            } else if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte) {
                lowered.append(byte)
            } else if (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte) {
                lowered.append(byte + 32)
            } else {
                return nil
            }
        }
        return String(decoding: lowered, as: UTF8.self)
    }

    /// The example shown in error messages.
    static let example = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
}
