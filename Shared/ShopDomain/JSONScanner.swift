/// One pass over a JSON text that checks what `JSONDecoder` lets through or reports badly: a byte order mark,
/// invalid UTF-8, nesting deeper than a limit, duplicate keys, fractions or exponents in integer fields.
/// Iterative (an explicit stack), so no input can exhaust the thread's stack.
struct JSONScanner {
    /// What the top-level value is, so callers can tell one object from an array of them without decoding.
    enum TopLevel: Equatable {
        case object
        case array(count: Int)
        case other(String)
    }

    private struct Frame {
        var isObject: Bool
        var keys: Set<String> = []
        var count = 0
    }

    private let bytes: UnsafeRawBufferPointer
    private let maxDepth: Int
    private let integerFields: Set<String>
    private var position = 0
    private var stack: [Frame] = []

    init(_ bytes: UnsafeRawBufferPointer, maxDepth: Int, integerFields: Set<String>) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        self.integerFields = integerFields
    }

    mutating func scan() throws(ValidationError) -> TopLevel {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            throw ValidationError(.malformedJSON, "malformed JSON: the body starts with a byte order mark; send UTF-8 without one")
        }
        skipWhitespace()
        guard position < bytes.count else {
            throw ValidationError(.malformedJSON, "the request body is empty: send a JSON object or an array of objects")
        }
        let topLevel = describeTopLevel(bytes[position])
        var key: String? = nil
        var arrayCount = 0
        document: while true {
            // Here a value is expected; `key` names the object member it belongs to, if any.
            skipWhitespace()
            switch try peek("a value") {
            case UInt8(ascii: "{"):
                try push(isObject: true)
                skipWhitespace()
                if try peek("a key or '}'") == UInt8(ascii: "}") {
                    position += 1
                    stack.removeLast()
                } else {
                    key = try memberKey()
                    continue document
                }
            case UInt8(ascii: "["):
                try push(isObject: false)
                skipWhitespace()
                if try peek("a value or ']'") == UInt8(ascii: "]") {
                    position += 1
                    stack.removeLast()
                } else {
                    stack[stack.count - 1].count += 1
                    key = nil
                    continue document
                }
            case UInt8(ascii: "\""):
                _ = try string(collecting: false)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                try number(for: key)
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case let byte:
                throw unexpected(byte, expecting: "a value")
            }
            // A value is complete: close containers until one expects another member.
            while let top = stack.last {
                skipWhitespace()
                let byte = try peek(top.isObject ? "',' or '}'" : "',' or ']'")
                position += 1
                if byte == UInt8(ascii: ",") {
                    skipWhitespace()
                    if top.isObject {
                        key = try memberKey()
                    } else {
                        stack[stack.count - 1].count += 1
                        key = nil
                    }
                    continue document
                }
                guard byte == UInt8(ascii: top.isObject ? "}" : "]") else {
                    position -= 1
                    throw unexpected(byte, expecting: top.isObject ? "',' or '}'" : "',' or ']'")
                }
                if stack.count == 1 { arrayCount = top.count }
                stack.removeLast()
            }
            break document
        }
        skipWhitespace()
        if position < bytes.count {
            throw malformed("unexpected data after the JSON value")
        }
        if case .array = topLevel { return .array(count: arrayCount) }
        return topLevel
    }

    // MARK: - Pieces

    private mutating func push(isObject: Bool) throws(ValidationError) {
        guard stack.count < maxDepth else {
            throw ValidationError(.malformedJSON, "malformed JSON: nested more than \(maxDepth) levels deep")
        }
        position += 1
        stack.append(Frame(isObject: isObject))
    }

    /// Reads `"key" :` of an object member and rejects a key the object already has.
    private mutating func memberKey() throws(ValidationError) -> String {
        let byte = try peek("a key in double quotes")
        guard byte == UInt8(ascii: "\"") else { throw unexpected(byte, expecting: "a key in double quotes") }
        let key = try string(collecting: true)
        guard stack[stack.count - 1].keys.insert(key).inserted else {
            throw located(ValidationError(.malformedJSON, "duplicate field \(Quote.value(key)) in one object"))
        }
        skipWhitespace()
        let colon = try peek("':'")
        guard colon == UInt8(ascii: ":") else { throw unexpected(colon, expecting: "':'") }
        position += 1
        return key
    }

    /// Reads a string from its opening quote, checking escapes and UTF-8; returns its text when `collecting`.
    private mutating func string(collecting: Bool) throws(ValidationError) -> String {
        var text: [UInt8] = []
        position += 1
        while true {
            let byte = try next("the closing '\"' of a string")
            switch byte {
            case UInt8(ascii: "\""):
                return collecting ? String(decoding: text, as: UTF8.self) : ""
            case UInt8(ascii: "\\"):
                let scalar = try escape()
                if collecting { text.append(contentsOf: String(scalar).utf8) }
            case 0..<0x20:
                position -= 1
                throw malformed("a control character inside a string must be escaped")
            case 0x20..<0x80:
                if collecting { text.append(byte) }
            default:
                let start = position - 1
                try utf8Continuation(lead: byte)
                if collecting { text.append(contentsOf: bytes[start..<position]) }
            }
        }
    }

    /// Reads the rest of a backslash escape, pairing UTF-16 surrogates.
    private mutating func escape() throws(ValidationError) -> Unicode.Scalar {
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

    private mutating func hexQuad() throws(ValidationError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = try next("four hex digits after \\u")
            guard let digit = Self.hexValue(byte) else {
                position -= 1
                throw malformed("\\u must be followed by four hex digits")
            }
            value = value << 4 | digit
        }
        return value
    }

    /// Checks the continuation bytes of a multi-byte UTF-8 sequence (no overlongs, surrogates or values past U+10FFFF).
    private mutating func utf8Continuation(lead: UInt8) throws(ValidationError) {
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
            throw ValidationError(.malformedJSON, "malformed JSON: the body is not valid UTF-8 (at byte offset \(start))")
        }
        position += count
    }

    /// Checks a number's grammar; in an integer field it must have neither fraction nor exponent.
    private mutating func number(for key: String?) throws(ValidationError) {
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
        if !whole, let key, integerFields.contains(key) {
            let literal = String(decoding: bytes[start..<min(position, start + 40)], as: UTF8.self)
            throw located(ValidationError(.invalidValue,
                "'\(key)' must be a whole number written without fraction or exponent, found \(literal)"))
        }
    }

    private mutating func literal(_ word: StaticString) throws(ValidationError) {
        let expected = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard position + expected.count <= bytes.count, bytes[position..<position + expected.count].elementsEqual(expected) else {
            throw unexpected(bytes[position], expecting: "a value")
        }
        position += expected.count
    }

    // MARK: - Bytes

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func skipDigits() {
        while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
    }

    private func peek(_ expecting: String) throws(ValidationError) -> UInt8 {
        guard position < bytes.count else { throw malformed("the body ends where \(expecting) was expected") }
        return bytes[position]
    }

    private mutating func next(_ expecting: String) throws(ValidationError) -> UInt8 {
        let byte = try peek(expecting)
        position += 1
        return byte
    }

    private func describeTopLevel(_ byte: UInt8) -> TopLevel {
        switch byte {
        case UInt8(ascii: "{"): .object
        case UInt8(ascii: "["): .array(count: 0)
        case UInt8(ascii: "\""): .other("a string")
        case UInt8(ascii: "t"), UInt8(ascii: "f"): .other("a boolean")
        case UInt8(ascii: "n"): .other("null")
        default: .other("a number")
        }
    }

    // MARK: - Errors

    private func malformed(_ what: String) -> ValidationError {
        ValidationError(.malformedJSON, "malformed JSON at byte offset \(position): \(what)")
    }

    private func unexpected(_ byte: UInt8, expecting: String) -> ValidationError {
        malformed("expected \(expecting), found '\(Self.shown(byte))'")
    }

    /// The error about a member of the item at an index of a top-level array, if that is where the scanner is.
    private func located(_ error: ValidationError) -> ValidationError {
        guard stack.count >= 2, !stack[0].isObject else { return error }
        return error.inItem(stack[0].count - 1)
    }

    private static func shown(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
