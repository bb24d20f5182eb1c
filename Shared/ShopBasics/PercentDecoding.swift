// ShopBasics: the few value helpers every layer shares, with no dependencies (hex digits, percent-decoding,
// whole milliseconds of a Duration), written once here instead of once per module.

/// Percent-decoding (`%XX` escapes) of URL parts: paths and queries (ShopHTTP), the parts of `DATABASE_URL`
/// (ShopPostgres).
public enum PercentDecoding {
    /// The bytes `text` stands for (`+` as a space when `plusIsSpace`, as in queries); nil for a broken escape.
    public static func bytes(_ text: some StringProtocol, plusIsSpace: Bool) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                continue
            }
            guard let high = iterator.next().flatMap(HexDigit.value), let low = iterator.next().flatMap(HexDigit.value) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    /// The text `text` stands for; nil for a broken escape or bytes that are not UTF-8.
    public static func decode(_ text: some StringProtocol, plusIsSpace: Bool) -> String? {
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) {
            return String(text)
        }
        return bytes(text, plusIsSpace: plusIsSpace).flatMap { String(validating: $0, as: UTF8.self) }
    }
}
