import NIOCore

/// One reply from Redis, RESP2 or RESP3; `error` appears only nested (inside EXEC or pipeline results).
public enum RESPValue: Sendable, Hashable {
    case simpleString(ByteBuffer)
    case bulkString(ByteBuffer)
    case null
    case integer(Int64)
    case array([RESPValue])
    case map([RESPValue: RESPValue])
    case set(Set<RESPValue>)
    case double(Double)
    case boolean(Bool)
    case bigNumber(ByteBuffer)
    case verbatim(format: String, text: ByteBuffer)
    case push([RESPValue])
    case error(RedisServerError)

    /// The value as UTF-8 text: strings, verbatim text, numbers and big numbers; nil otherwise.
    public var string: String? {
        switch self {
        case .simpleString(let buffer), .bulkString(let buffer), .bigNumber(let buffer):
            return String(buffer: buffer)
        case .verbatim(_, let text):
            return String(buffer: text)
        case .integer(let value):
            return String(value)
        case .double(let value):
            return String(value)
        default:
            return nil
        }
    }

    /// The value as an integer: integers, and strings that hold a decimal integer; nil otherwise.
    public var int: Int? {
        switch self {
        case .integer(let value):
            return Int(exactly: value)
        case .simpleString(let buffer), .bulkString(let buffer), .bigNumber(let buffer):
            return Int(String(buffer: buffer))
        case .boolean(let value):
            return value ? 1 : 0
        default:
            return nil
        }
    }

    /// The value as a list: arrays, sets and push messages; nil otherwise (a null array is nil too).
    public var array: [RESPValue]? {
        switch self {
        case .array(let values), .push(let values):
            return values
        case .set(let values):
            return Array(values)
        default:
            return nil
        }
    }

    /// The raw bytes of a string-like value, without a copy.
    public var bytes: ByteBuffer? {
        switch self {
        case .simpleString(let buffer), .bulkString(let buffer), .bigNumber(let buffer):
            return buffer
        case .verbatim(_, let text):
            return text
        default:
            return nil
        }
    }

    /// The value as a double: RESP3 doubles, integers and numeric strings.
    public var double: Double? {
        switch self {
        case .double(let value): return value
        case .integer(let value): return Double(value)
        case .simpleString, .bulkString: return string.flatMap(Double.init)
        default: return nil
        }
    }

    /// True for RESP2 null bulk/array and RESP3 null.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Flattened key/value pairs: a RESP3 map, or a RESP2 array of alternating keys and values.
    public var pairs: [(key: RESPValue, value: RESPValue)]? {
        switch self {
        case .map(let map):
            return map.map { (key: $0.key, value: $0.value) }
        case .array(let values):
            guard values.count % 2 == 0 else { return nil }
            return stride(from: 0, to: values.count, by: 2).map { (key: values[$0], value: values[$0 + 1]) }
        default:
            return nil
        }
    }
}
