import ShopBasics

/// One pass over a JSON text that checks what `JSONDecoder` lets through or reports badly: a byte order mark,
/// invalid UTF-8, nesting deeper than a limit, duplicate keys, numbers in integer fields that are not whole.
/// Iterative (an explicit stack), so no input can exhaust the thread's stack.
struct JSONScanner {
    /// What the top-level value is, so callers can tell one object from an array of them without decoding.
    enum TopLevel: Equatable {
        case object
        case array(count: Int)
        case other(String)
    }

    struct Frame {
        var isObject: Bool
        var keys: Set<String> = []
        var count = 0
    }

    let bytes: UnsafeRawBufferPointer
    let maxDepth: Int
    let integerFields: Set<String>
    var position = 0
    var stack: [Frame] = []

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

    // MARK: - Structure

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

    // MARK: - Bytes

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    mutating func skipDigits() {
        while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
    }

    func peek(_ expecting: String) throws(ValidationError) -> UInt8 {
        guard position < bytes.count else { throw malformed("the body ends where \(expecting) was expected") }
        return bytes[position]
    }

    mutating func next(_ expecting: String) throws(ValidationError) -> UInt8 {
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

    func malformed(_ what: String) -> ValidationError {
        ValidationError(.malformedJSON, "malformed JSON at byte offset \(position): \(what)")
    }

    func unexpected(_ byte: UInt8, expecting: String) -> ValidationError {
        malformed("expected \(expecting), found '\(Self.shown(byte))'")
    }

    /// Whether the scanner is inside the top-level object, or inside an object directly in a top-level array:
    /// where an entity's own fields are; deeper objects belong to ignored fields.
    var isEntityLevel: Bool {
        switch stack.count {
        case 1: stack[0].isObject
        case 2: !stack[0].isObject && stack[1].isObject
        default: false
        }
    }

    /// The error about a member of the item at an index of a top-level array, if that is where the scanner is.
    func located(_ error: ValidationError) -> ValidationError {
        guard stack.count >= 2, !stack[0].isObject else { return error }
        return error.inItem(stack[0].count - 1)
    }

    static func shown(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    static func hexValue(_ byte: UInt8) -> UInt32? {
        HexDigit.value(byte).map(UInt32.init)
    }
}
