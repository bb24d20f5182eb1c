/// A JSON value as `JSONReader` read it: objects keep their members in document order (with where each value's
/// text lies, so a caller can keep it byte for byte), numbers keep their text until a caller picks a type.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number as written (`10`, `-1.5e3`): no precision is lost before a caller decides what it must be.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The number as an `Int` when it denotes one exactly (`10`, `10.0`, `1e3`); nil otherwise.
    public var integer: Int? {
        guard case .number(let text) = self else { return nil }
        if let value = Int(text) { return value }
        guard let value = Double(text), value == value.rounded(), abs(value) <= JSONNumbers.largestExactInteger else { return nil }
        return Int(value)
    }

    /// The number as a `Double` (nil for a number beyond its range, such as `1e400`).
    public var double: Double? {
        guard case .number(let text) = self, let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// The text of a string value.
    public var string: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    /// The members of an object value.
    public var object: JSONObject? {
        guard case .object(let object) = self else { return nil }
        return object
    }

    /// The elements of an array value.
    public var array: [JSONValue]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }
}

/// The members of a JSON object, in document order; keys are unique (the reader refuses duplicates).
public struct JSONObject: Sendable, Equatable {
    /// One `"key": value` of an object.
    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue
        /// Where the value's JSON text lies in the bytes read (offsets from their start).
        public var range: Range<Int>

        public init(key: String, value: JSONValue, range: Range<Int>) {
            self.key = key
            self.value = value
            self.range = range
        }
    }

    public var members: [Member]

    public init(members: [Member]) {
        self.members = members
    }

    /// The value of `key`, nil when the object has no such member.
    public subscript(key: String) -> JSONValue? {
        members.first { $0.key == key }?.value
    }
}

/// Facts about JSON numbers shared by the reader and its callers.
public enum JSONNumbers {
    /// 2^53: beyond it a `Double` no longer tells neighbouring integers apart.
    public static let largestExactInteger = 9_007_199_254_740_992.0
}
