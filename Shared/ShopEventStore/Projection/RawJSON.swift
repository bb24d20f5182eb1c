import Foundation

/// A fast, non-recursive splitter of JSON objects and arrays into raw member bytes.
///
/// The projection stores each field as its JSON text, so appends, folds and list reads split and
/// concatenate JSON without decoding values (numbers keep their exact text, no type round trip).
enum RawJSON {
    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")

    /// The top-level members of a JSON object, in document order, values as raw JSON text.
    static func members(of bytes: ArraySlice<UInt8>) throws(EventStoreError) -> [(key: String, value: ArraySlice<UInt8>)] {
        var index = skipSpace(bytes, bytes.startIndex)
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "{") else { throw invalid("not a JSON object") }
        index = skipSpace(bytes, index + 1)
        var members: [(key: String, value: ArraySlice<UInt8>)] = []
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "}") {
            try expectEnd(bytes, index + 1)
            return members
        }
        while true {
            guard index < bytes.endIndex, bytes[index] == quote else { throw invalid("expected a member name") }
            let keyEnd = try endOfString(bytes, index)
            let key = try decodeString(bytes[index..<keyEnd])
            index = skipSpace(bytes, keyEnd)
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: ":") else { throw invalid("expected ':'") }
            index = skipSpace(bytes, index + 1)
            let valueEnd = try endOfValue(bytes, index)
            members.append((key, bytes[index..<valueEnd]))
            index = skipSpace(bytes, valueEnd)
            guard index < bytes.endIndex else { throw invalid("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") {
                index = skipSpace(bytes, index + 1)
            } else if bytes[index] == UInt8(ascii: "}") {
                try expectEnd(bytes, index + 1)
                return members
            } else {
                throw invalid("expected ',' or '}'")
            }
        }
    }

    /// The elements of a JSON array, as raw JSON text.
    static func elements(of bytes: ArraySlice<UInt8>) throws(EventStoreError) -> [ArraySlice<UInt8>] {
        var index = skipSpace(bytes, bytes.startIndex)
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "[") else { throw invalid("not a JSON array") }
        index = skipSpace(bytes, index + 1)
        var elements: [ArraySlice<UInt8>] = []
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "]") {
            try expectEnd(bytes, index + 1)
            return elements
        }
        while true {
            let end = try endOfValue(bytes, index)
            elements.append(bytes[index..<end])
            index = skipSpace(bytes, end)
            guard index < bytes.endIndex else { throw invalid("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") {
                index = skipSpace(bytes, index + 1)
            } else if bytes[index] == UInt8(ascii: "]") {
                try expectEnd(bytes, index + 1)
                return elements
            } else {
                throw invalid("expected ',' or ']'")
            }
        }
    }

    /// The text of a JSON string value (`"abc"` → `abc`); nil when the value is not a string.
    static func string(_ bytes: ArraySlice<UInt8>) -> String? {
        guard bytes.first == quote, let end = try? endOfString(bytes, bytes.startIndex), end == bytes.endIndex else { return nil }
        return try? decodeString(bytes)
    }

    /// The JSON text of a string (quotes and escapes added).
    static func encode(_ string: String) -> [UInt8] {
        var out: [UInt8] = [quote]
        out.reserveCapacity(string.utf8.count + 2)
        for byte in string.utf8 {
            switch byte {
            case quote: out += [backslash, quote]
            case backslash: out += [backslash, backslash]
            case UInt8(ascii: "\n"): out += [backslash, UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [backslash, UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): out += [backslash, UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(quote)
        return out
    }

    // MARK: scanning

    private static func invalid(_ what: String) -> EventStoreError {
        EventStoreError(.corruptEvent, "malformed entity JSON: \(what)")
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private static func skipSpace(_ bytes: ArraySlice<UInt8>, _ start: Int) -> Int {
        var index = start
        while index < bytes.endIndex, isSpace(bytes[index]) { index += 1 }
        return index
    }

    private static func expectEnd(_ bytes: ArraySlice<UInt8>, _ index: Int) throws(EventStoreError) {
        guard skipSpace(bytes, index) == bytes.endIndex else { throw invalid("trailing bytes") }
    }

    /// The index after the closing quote of the string starting at `start`.
    private static func endOfString(_ bytes: ArraySlice<UInt8>, _ start: Int) throws(EventStoreError) -> Int {
        var index = start + 1
        while index < bytes.endIndex {
            switch bytes[index] {
            case quote: return index + 1
            case backslash: index += 2
            default: index += 1
            }
        }
        throw invalid("unterminated string")
    }

    /// The index after the value starting at `start`; nesting is tracked with a counter, not recursion.
    private static func endOfValue(_ bytes: ArraySlice<UInt8>, _ start: Int) throws(EventStoreError) -> Int {
        guard start < bytes.endIndex else { throw invalid("missing value") }
        var index = start
        var depth = 0
        repeat {
            guard index < bytes.endIndex else { throw invalid("unterminated value") }
            let byte = bytes[index]
            switch byte {
            case quote:
                index = try endOfString(bytes, index)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard depth > 0 else { throw invalid("unexpected '\(Character(UnicodeScalar(byte)))'") }
                depth -= 1
                index += 1
            case UInt8(ascii: ","), UInt8(ascii: ":"):
                guard depth > 0 else { throw invalid("missing value") }
                index += 1
            default:
                if depth == 0 {
                    // A scalar: runs until a delimiter.
                    while index < bytes.endIndex, !isSpace(bytes[index]),
                          bytes[index] != UInt8(ascii: ","), bytes[index] != UInt8(ascii: "}"), bytes[index] != UInt8(ascii: "]") {
                        index += 1
                    }
                    return index
                }
                index += 1
            }
        } while depth > 0
        return index
    }

    private static func decodeString(_ bytes: ArraySlice<UInt8>) throws(EventStoreError) -> String {
        let inner = bytes.dropFirst().dropLast()
        guard inner.contains(backslash) else {
            guard let text = String(validating: inner, as: UTF8.self) else { throw invalid("invalid UTF-8 in a string") }
            return text
        }
        // Rare (escaped names or values): let Foundation's decoder handle every escape form.
        guard let text = try? EventStore.jsonDecoder.decode(String.self, from: Data(bytes)) else {
            throw invalid("bad string escape")
        }
        return text
    }
}
