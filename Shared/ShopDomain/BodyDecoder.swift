import ShopJSON

/// What a request body decodes to: built from one JSON value (an object, or an element of an array body) by an
/// initializer that checks everything and throws `ValidationError`s whose text a user understands.
public protocol BodyDecodable: Sendable {
    /// `value` is the object (or whatever stands in its place); `item` its 0-based index in an array body.
    init(json value: JSONValue, item: Int?) throws(ValidationError)
    /// JSON keys holding integers, which must be written plainly (`10`, `10.0` or `1e1`; not `10.5`).
    static var integerFields: Set<String> { get }
}

extension BodyDecodable {
    public static var integerFields: Set<String> { [] }
}

/// Decodes request bodies in one pass of `JSONReader` (limits, UTF-8, duplicate keys, whole numbers) followed by
/// the type's own checks. Every failure is a `ValidationError` whose description is the 400 body's text, e.g.
/// `try BodyDecoder.decodeOneOrMany(bytes, as: OrderDraft.self)`.
public enum BodyDecoder {
    /// A POST body: one JSON object, or an array of up to `maxItems` objects (`[]` gives none, as in the original).
    public static func decodeOneOrMany<T: BodyDecodable>(_ bytes: UnsafeRawBufferPointer, as type: T.Type,
                                                         maxItems: Int = DomainLimits.maxItemsPerRequest) throws(ValidationError) -> [T] {
        switch try read(bytes, integerFields: T.integerFields) {
        case .object(let object):
            return [try T(json: .object(object), item: nil)]
        case .array(let elements):
            guard elements.count <= maxItems else {
                throw ValidationError(.invalidValue, "too many items in one request: at most \(maxItems), found \(elements.count)")
            }
            var decoded: [T] = []
            decoded.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() { decoded.append(try T(json: element, item: index)) }
            return decoded
        case let other:
            throw ValidationError(.wrongType, "expected a JSON object or an array of objects, found \(topLevelName(other))")
        }
    }

    /// A PUT body: exactly one JSON object.
    public static func decodeOne<T: BodyDecodable>(_ bytes: UnsafeRawBufferPointer, as type: T.Type) throws(ValidationError) -> T {
        switch try read(bytes, integerFields: T.integerFields) {
        case .object(let object):
            return try T(json: .object(object), item: nil)
        case .array:
            throw ValidationError(.wrongType, "expected one JSON object, found an array")
        case let other:
            throw ValidationError(.wrongType, "expected one JSON object, found \(topLevelName(other))")
        }
    }

    /// `decodeOneOrMany` of a byte array.
    public static func decodeOneOrMany<T: BodyDecodable>(_ bytes: [UInt8], as type: T.Type,
                                                         maxItems: Int = DomainLimits.maxItemsPerRequest) throws(ValidationError) -> [T] {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(ValidationError) in try decodeOneOrMany(raw, as: type, maxItems: maxItems) }
        }
        return try result.get()
    }

    /// `decodeOne` of a byte array.
    public static func decodeOne<T: BodyDecodable>(_ bytes: [UInt8], as type: T.Type) throws(ValidationError) -> T {
        let result = bytes.withUnsafeBytes { raw in Result { () throws(ValidationError) in try decodeOne(raw, as: type) } }
        return try result.get()
    }

    private static func read(_ bytes: UnsafeRawBufferPointer, integerFields: Set<String>) throws(ValidationError) -> JSONValue {
        do {
            return try JSONReader.read(bytes, maxDepth: DomainLimits.maxJSONDepth, integerFields: integerFields)
        } catch {
            throw ValidationError(error.code == .malformed ? .malformedJSON : .invalidValue, error.description)
        }
    }

    private static func topLevelName(_ value: JSONValue) -> String {
        switch value {
        case .string: "a string"
        case .bool: "a boolean"
        case .null: "null"
        case .number: "a number"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
