import ShopJSON
import Foundation

/// Entity ids: lowercase UUID strings (`8-4-4-4-12` hex digits), as the original made them.
public enum EntityID {
    /// A new random id: a lowercase version 4 UUID, for an entity or an event (the one maker of both).
    ///
    /// Made from the system generator directly: Foundation's `UUID()` opens /dev/urandom on every call on Linux,
    /// which showed up as a tenth of the append benchmark's CPU.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: high >> (56 - 8 * index))
            bytes[8 + index] = UInt8(truncatingIfNeeded: low >> (56 - 8 * index))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40   // version 4
        bytes[8] = (bytes[8] & 0x3F) | 0x80   // RFC 4122 variant
        let hex = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The id in its normal lowercase form, or a `ValidationError` naming what is wrong with it.
    public static func validate(_ text: String) throws(ValidationError) -> String {
        guard let normalized = normalize(text) else {
            throw ValidationError(.invalidValue, "\(JSONQuote.value(text)) is not a valid id: ids are UUIDs like \(example)")
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
