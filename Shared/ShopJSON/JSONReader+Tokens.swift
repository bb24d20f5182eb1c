import ShopBasics

/// The tokens of JSON text: strings with their escapes and UTF-8, numbers, literals.
extension JSONReader {
    /// Reads a string from its opening quote, checking escapes and UTF-8.
    mutating func string() throws(JSONError) -> String {
        position += 1
        let start = position
        // Nearly every string has no escape: it is checked in place and copied once.
        while true {
            let byte = try next("the closing '\"' of a string")
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position - 1]), as: UTF8.self)
            case UInt8(ascii: "\\"):
                position -= 1
                var text = Array(bytes[start..<position])
                return try escapedString(continuing: &text)
            case 0..<0x20:
                position -= 1
                throw malformed("a control character inside a string must be escaped")
            case 0x20..<0x80:
                continue
            default:
                try utf8Continuation(lead: byte)
            }
        }
    }

    /// The rest of a string that has escapes, appended to `text`.
    private mutating func escapedString(continuing text: inout [UInt8]) throws(JSONError) -> String {
        while true {
            let byte = try next("the closing '\"' of a string")
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"):
                text.append(contentsOf: String(try escape()).utf8)
            case 0..<0x20:
                position -= 1
                throw malformed("a control character inside a string must be escaped")
            case 0x20..<0x80:
                text.append(byte)
            default:
                let start = position - 1
                try utf8Continuation(lead: byte)
                text.append(contentsOf: bytes[start..<position])
            }
        }
    }

    /// Reads the rest of a backslash escape, pairing UTF-16 surrogates.
    mutating func escape() throws(JSONError) -> Unicode.Scalar {
        let byte = try next("an escape character")
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try hexQuad()
            if (0xDC00...0xDFFF).contains(unit) { throw malformed("a \\u escape is a lone low surrogate") }
            guard (0xD800...0xDBFF).contains(unit) else { return Unicode.Scalar(unit)! }
            guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                throw malformed("a \\u escape is a high surrogate without its low surrogate")
            }
            position += 2
            let low = try hexQuad()
            guard (0xDC00...0xDFFF).contains(low) else {
                throw malformed("a \\u escape is a high surrogate without its low surrogate")
            }
            return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
        default:
            position -= 1
            throw malformed("invalid escape '\\\(Self.shown(byte))' in a string")
        }
    }

    mutating func hexQuad() throws(JSONError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = try next("four hex digits after \\u")
            guard let digit = HexDigit.value(byte).map(UInt32.init) else {
                position -= 1
                throw malformed("\\u must be followed by four hex digits")
            }
            value = value << 4 | digit
        }
        return value
    }

    /// Checks the continuation bytes of a multi-byte UTF-8 sequence (no overlongs, surrogates or values past U+10FFFF).
    mutating func utf8Continuation(lead: UInt8) throws(JSONError) {
        let start = position - 1
        let (count, secondRange): (Int, ClosedRange<UInt8>) = switch lead {
        case 0xC2...0xDF: (1, 0x80...0xBF)
        case 0xE0: (2, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (2, 0x80...0xBF)
        case 0xED: (2, 0x80...0x9F)
        case 0xF0: (3, 0x90...0xBF)
        case 0xF1...0xF3: (3, 0x80...0xBF)
        case 0xF4: (3, 0x80...0x8F)
        default: (0, 0x80...0x80)
        }
        var valid = count > 0 && position + count <= bytes.count && secondRange.contains(bytes[position])
        if valid {
            for offset in 1..<count where !(0x80...0xBF).contains(bytes[position + offset]) { valid = false }
        }
        guard valid else {
            throw JSONError(.malformed, "malformed JSON: the body is not valid UTF-8 (at byte offset \(start))")
        }
        position += count
    }

    /// Reads a number and returns its text. In an integer field it must denote a whole number: JSON has one number
    /// type, so `10.0` and `1e3` are the integers 10 and 1000 (as JSON Schema's `integer` says); `1.5`, `1e-3` and
    /// `1e400` are refused here, before anyone could round or overflow them.
    mutating func number() throws(JSONError) -> String {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        let firstDigit = try next("a digit")
        guard Self.isDigit(firstDigit) else { position -= 1; throw malformed("a number needs a digit after '-'") }
        if firstDigit != UInt8(ascii: "0") { skipDigits() }
        var whole = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            whole = false
            position += 1
            guard position < bytes.count, Self.isDigit(bytes[position]) else { throw malformed("a number needs digits after '.'") }
            skipDigits()
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            whole = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < bytes.count, Self.isDigit(bytes[position]) else { throw malformed("a number needs digits in its exponent") }
            skipDigits()
        }
        let literal = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if !whole, let frame = stack.last, frame.isObject, isEntityLevel, integerFields.contains(frame.key) {
            guard let value = Double(literal), value == value.rounded(), abs(value) <= JSONNumbers.largestExactInteger else {
                throw located(JSONError(.invalidValue, "'\(frame.key)' must be a whole number, found \(literal.prefix(40))"))
            }
        }
        return literal
    }

    mutating func literal(_ word: StaticString) throws(JSONError) {
        let expected = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard position + expected.count <= bytes.count, bytes[position..<position + expected.count].elementsEqual(expected) else {
            throw unexpected(bytes[position], expecting: "a value")
        }
        position += expected.count
    }
}
