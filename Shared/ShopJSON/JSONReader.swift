/// The one JSON reader: a single pass over a text that builds its `JSONValue` and refuses what `JSONDecoder` lets
/// through or reports badly: a byte order mark, invalid UTF-8, nesting deeper than a limit, duplicate keys, numbers
/// in integer fields that are not whole. Iterative (an explicit stack), so no input can exhaust the thread's stack.
///
/// Request bodies, projection documents, events and messages all go through it:
/// `let value = try JSONReader.read(bytes, maxDepth: 64, integerFields: ["price"])`.
public struct JSONReader {
    /// An open object or array.
    struct Frame {
        var isObject: Bool
        var members: [JSONObject.Member] = []
        var elements: [JSONValue] = []
        /// The key whose value is being read (objects), and where that value starts.
        var key = ""
        var valueStart = 0
        /// Keys seen, kept once an object is large enough that a linear search would cost more.
        var keys: Set<String> = []
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

    /// The value `bytes` hold. `integerFields` names keys (of the top-level object, or of objects directly in a
    /// top-level array) whose numbers must be whole: `10.0` and `1e3` are, `1.5` and `1e400` are not.
    public static func read(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 64,
                            integerFields: Set<String> = []) throws(JSONError) -> JSONValue {
        var reader = JSONReader(bytes, maxDepth: maxDepth, integerFields: integerFields)
        return try reader.read()
    }

    /// The same, from a byte array.
    public static func read(_ bytes: [UInt8], maxDepth: Int = 64, integerFields: Set<String> = []) throws(JSONError) -> JSONValue {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONError) in try read(raw, maxDepth: maxDepth, integerFields: integerFields) }
        }
        return try result.get()
    }

    /// The same, from a slice of a byte array; ranges in the value count from the slice's start.
    public static func read(_ bytes: ArraySlice<UInt8>, maxDepth: Int = 64, integerFields: Set<String> = []) throws(JSONError) -> JSONValue {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONError) in try read(raw, maxDepth: maxDepth, integerFields: integerFields) }
        }
        return try result.get()
    }

    mutating func read() throws(JSONError) -> JSONValue {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            throw JSONError(.malformed, "malformed JSON: the body starts with a byte order mark; send UTF-8 without one")
        }
        skipWhitespace()
        guard position < bytes.count else {
            throw JSONError(.malformed, "the request body is empty: send a JSON object or an array of objects")
        }
        document: while true {
            // Here a value is expected; the top frame (if any) says whose member or element it is.
            skipWhitespace()
            var value: JSONValue
            switch try peek("a value") {
            case UInt8(ascii: "{"):
                try push(isObject: true)
                skipWhitespace()
                guard try peek("a key or '}'") == UInt8(ascii: "}") else {
                    try memberKey()
                    continue document
                }
                position += 1
                stack.removeLast()
                value = .object(JSONObject(members: []))
            case UInt8(ascii: "["):
                try push(isObject: false)
                skipWhitespace()
                guard try peek("a value or ']'") == UInt8(ascii: "]") else {
                    stack[stack.count - 1].valueStart = position
                    continue document
                }
                position += 1
                stack.removeLast()
                value = .array([])
            case UInt8(ascii: "\""):
                value = .string(try string())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = .number(try number())
            case UInt8(ascii: "t"): try literal("true"); value = .bool(true)
            case UInt8(ascii: "f"): try literal("false"); value = .bool(false)
            case UInt8(ascii: "n"): try literal("null"); value = .null
            case let byte:
                throw unexpected(byte, expecting: "a value")
            }
            // A value is complete: hand it to its container, and close containers until one expects more.
            while !stack.isEmpty {
                let top = stack.count - 1
                if stack[top].isObject {
                    let member = JSONObject.Member(key: stack[top].key, value: value, range: stack[top].valueStart..<position)
                    stack[top].members.append(member)
                } else {
                    stack[top].elements.append(value)
                }
                skipWhitespace()
                let isObject = stack[top].isObject
                let byte = try peek(isObject ? "',' or '}'" : "',' or ']'")
                position += 1
                if byte == UInt8(ascii: ",") {
                    skipWhitespace()
                    if isObject {
                        try memberKey()
                    } else {
                        stack[top].valueStart = position
                    }
                    continue document
                }
                guard byte == UInt8(ascii: isObject ? "}" : "]") else {
                    position -= 1
                    throw unexpected(byte, expecting: isObject ? "',' or '}'" : "',' or ']'")
                }
                let frame = stack.removeLast()
                value = isObject ? .object(JSONObject(members: frame.members)) : .array(frame.elements)
            }
            skipWhitespace()
            if position < bytes.count {
                throw malformed("unexpected data after the JSON value")
            }
            return value
        }
    }

    // MARK: - Structure

    private mutating func push(isObject: Bool) throws(JSONError) {
        guard stack.count < maxDepth else {
            throw JSONError(.malformed, "malformed JSON: nested more than \(maxDepth) levels deep")
        }
        position += 1
        stack.append(Frame(isObject: isObject))
    }

    /// Reads `"key" :` of an object member into the top frame and refuses a key the object already has.
    private mutating func memberKey() throws(JSONError) {
        let byte = try peek("a key in double quotes")
        guard byte == UInt8(ascii: "\"") else { throw unexpected(byte, expecting: "a key in double quotes") }
        let key = try string()
        let top = stack.count - 1
        if isDuplicate(key, in: &stack[top]) {
            throw located(JSONError(.malformed, "duplicate field \(JSONQuote.value(key)) in one object"))
        }
        skipWhitespace()
        let colon = try peek("':'")
        guard colon == UInt8(ascii: ":") else { throw unexpected(colon, expecting: "':'") }
        position += 1
        skipWhitespace()
        stack[top].key = key
        stack[top].valueStart = position
    }

    /// Small objects (every entity) are searched; large ones keep a set, so no body costs quadratic time.
    private func isDuplicate(_ key: String, in frame: inout Frame) -> Bool {
        guard frame.members.count >= 16 else { return frame.members.contains { $0.key == key } }
        if frame.keys.isEmpty { frame.keys = Set(frame.members.map(\.key)) }
        return !frame.keys.insert(key).inserted
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

    func peek(_ expecting: String) throws(JSONError) -> UInt8 {
        guard position < bytes.count else { throw malformed("the body ends where \(expecting) was expected") }
        return bytes[position]
    }

    mutating func next(_ expecting: String) throws(JSONError) -> UInt8 {
        let byte = try peek(expecting)
        position += 1
        return byte
    }

    // MARK: - Errors

    func malformed(_ what: String) -> JSONError {
        JSONError(.malformed, "malformed JSON at byte offset \(position): \(what)")
    }

    func unexpected(_ byte: UInt8, expecting: String) -> JSONError {
        malformed("expected \(expecting), found '\(Self.shown(byte))'")
    }

    /// Whether the reader is inside the top-level object, or inside an object directly in a top-level array:
    /// where an entity's own fields are; deeper objects belong to ignored fields.
    var isEntityLevel: Bool {
        switch stack.count {
        case 1: stack[0].isObject
        case 2: !stack[0].isObject && stack[1].isObject
        default: false
        }
    }

    /// The error about a member of the item at an index of a top-level array, if that is where the reader is.
    func located(_ error: JSONError) -> JSONError {
        guard stack.count >= 2, !stack[0].isObject else { return error }
        return JSONError(error.code, "item \(stack[0].elements.count + 1): \(error.description)")
    }

    static func shown(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
