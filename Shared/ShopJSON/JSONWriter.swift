/// The one JSON writer: strings escaped as JSON requires, values, arrays of strings, and objects field by field.
/// Every body, event and message we write by hand goes through it.
///
/// With `escapingSlash`, strings are written byte for byte as Foundation's `JSONEncoder` writes them (`/` as `\/`),
/// which is how entities have always been stored in events: equal entities keep giving equal bytes.
public struct JSONWriter<Output: JSONOutput> {
    /// What was written so far.
    public var output: Output
    let escapingSlash: Bool
    var first = true

    /// A writer appending to `output`.
    public init(into output: Output, escapingSlash: Bool = false) {
        self.output = output
        self.escapingSlash = escapingSlash
    }

    /// Appends `string` to `output` as a quoted JSON string.
    public static func string(_ string: String, into output: inout Output, escapingSlash: Bool = false) {
        output.writeJSONByte(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            // Runs of bytes that need no escape are copied at once; only quotes, backslashes and controls are rewritten.
            var start = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
                        || (escapingSlash && byte == UInt8(ascii: "/")) else { continue }
                output.writeJSONBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<index])))
                escape(byte, into: &output)
                start = index + 1
            }
            output.writeJSONBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...])))
        }
        output.writeJSONByte(UInt8(ascii: "\""))
    }

    private static func escape(_ byte: UInt8, into output: inout Output) {
        switch byte {
        case UInt8(ascii: "\""): output.writeJSONText("\\\"")
        case UInt8(ascii: "\\"): output.writeJSONText("\\\\")
        case UInt8(ascii: "/"): output.writeJSONText("\\/")
        case UInt8(ascii: "\n"): output.writeJSONText("\\n")
        case UInt8(ascii: "\r"): output.writeJSONText("\\r")
        case UInt8(ascii: "\t"): output.writeJSONText("\\t")
        default:
            output.writeJSONText("\\u00")
            let hex: StaticString = "0123456789abcdef"
            hex.withUTF8Buffer { digits in
                output.writeJSONByte(digits[Int(byte >> 4)])
                output.writeJSONByte(digits[Int(byte & 0x0F)])
            }
        }
    }

    /// `["a","b",…]`: the answer to a POST (new ids) and every other list of names.
    public static func strings(_ strings: [String], into output: inout Output, escapingSlash: Bool = false) {
        output.writeJSONByte(UInt8(ascii: "["))
        for (index, string) in strings.enumerated() {
            if index > 0 { output.writeJSONByte(UInt8(ascii: ",")) }
            Self.string(string, into: &output, escapingSlash: escapingSlash)
        }
        output.writeJSONByte(UInt8(ascii: "]"))
    }

    /// Appends `value` as compact JSON (members in their order, numbers as they were written).
    public static func value(_ value: JSONValue, into output: inout Output, escapingSlash: Bool = false) {
        switch value {
        case .null: output.writeJSONText("null")
        case .bool(let flag): flag ? output.writeJSONText("true") : output.writeJSONText("false")
        case .number(let text): var text = text; text.withUTF8 { output.writeJSONBytes(UnsafeRawBufferPointer($0)) }
        case .string(let text): string(text, into: &output, escapingSlash: escapingSlash)
        case .array(let elements):
            output.writeJSONByte(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.writeJSONByte(UInt8(ascii: ",")) }
                Self.value(element, into: &output, escapingSlash: escapingSlash)
            }
            output.writeJSONByte(UInt8(ascii: "]"))
        case .object(let object):
            var writer = JSONWriter(into: output, escapingSlash: escapingSlash)
            for member in object.members { writer.field(member.key, member.value) }
            output = writer.finished()
        }
    }

    // MARK: - Objects, field by field

    /// The next field's `"name":`.
    public mutating func key(_ name: String) {
        output.writeJSONByte(UInt8(ascii: first ? "{" : ","))
        first = false
        Self.string(name, into: &output, escapingSlash: escapingSlash)
        output.writeJSONByte(UInt8(ascii: ":"))
    }

    public mutating func field(_ name: String, _ value: String) {
        key(name)
        Self.string(value, into: &output, escapingSlash: escapingSlash)
    }

    public mutating func field(_ name: String, _ value: Int) {
        key(name)
        var text = String(value)
        text.withUTF8 { output.writeJSONBytes(UnsafeRawBufferPointer($0)) }
    }

    public mutating func field(_ name: String, _ value: Bool) {
        key(name)
        value ? output.writeJSONText("true") : output.writeJSONText("false")
    }

    public mutating func field(_ name: String, _ values: [String]) {
        key(name)
        Self.strings(values, into: &output, escapingSlash: escapingSlash)
    }

    public mutating func field(_ name: String, _ value: JSONValue) {
        key(name)
        Self.value(value, into: &output, escapingSlash: escapingSlash)
    }

    /// A field whose value is JSON text already (a stored entity, a document).
    public mutating func field(_ name: String, json: [UInt8]) {
        key(name)
        json.withUnsafeBytes { output.writeJSONBytes($0) }
    }

    /// The output with the object closed (`{}` when no field was written).
    public func finished() -> Output {
        var output = output
        if first { output.writeJSONByte(UInt8(ascii: "{")) }
        output.writeJSONByte(UInt8(ascii: "}"))
        return output
    }
}

extension JSONWriter where Output == [UInt8] {
    /// A writer of a new byte array.
    public init(escapingSlash: Bool = false) {
        self.init(into: [], escapingSlash: escapingSlash)
    }
}
