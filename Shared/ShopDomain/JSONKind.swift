/// Any JSON value, decoded without failing, so a field of the wrong type can be named in the error message.
/// Array elements are read one level deep only, so no input can make decoding recurse.
enum JSONKind: Decodable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    /// A number that is not an `Int`: a fraction, or beyond the 64-bit range.
    case number(Double)
    case string(String)
    /// An array with its elements; elements that are arrays themselves come without theirs.
    case array([JSONKind])
    case object

    init(from decoder: any Decoder) throws {
        self = try Self.read(decoder, elements: true)
    }

    private static func read(_ decoder: any Decoder, elements: Bool) throws -> JSONKind {
        if let single = try? decoder.singleValueContainer() {
            if single.decodeNil() { return .null }
            if let value = try? single.decode(Bool.self) { return .bool(value) }
            if let value = try? single.decode(Int.self) { return .integer(value) }
            if let value = try? single.decode(Double.self) { return .number(value) }
            if let value = try? single.decode(String.self) { return .string(value) }
        }
        guard var container = try? decoder.unkeyedContainer() else { return .object }
        var values: [JSONKind] = []
        while elements && !container.isAtEnd {
            values.append(try container.decode(Element.self).kind)
        }
        return .array(values)
    }

    /// An array element: read like a field, but without descending into its own elements.
    private struct Element: Decodable {
        let kind: JSONKind
        init(from decoder: any Decoder) throws {
            kind = try JSONKind.read(decoder, elements: false)
        }
    }

    /// How the value reads in an error message: `the string "abc"`, `the number 1.5`, `null`, `an array`.
    var described: String {
        switch self {
        case .null: "null"
        case .bool(let value): "the boolean \(value)"
        case .integer(let value): "the number \(value)"
        case .number(let value): "the number \(value)"
        case .string(let value): "the string \(Quote.value(value))"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
