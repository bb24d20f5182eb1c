// ShopBasics: the few value helpers every layer shares, with no dependencies (hex digits, percent-decoding,
// whole milliseconds of a Duration), written once here instead of once per module.

/// Hexadecimal digits, as `%XX` escapes and JSON's `\uXXXX` write them.
public enum HexDigit {
    /// The value of one hexadecimal digit (`0-9`, `a-f`, `A-F`), or nil.
    public static func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
