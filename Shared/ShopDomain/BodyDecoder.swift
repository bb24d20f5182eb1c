import Foundation

/// Decodes request bodies into drafts with every check of this module: `JSONLimits` first, then the drafts'
/// strict `init(from:)`. Every failure is a `ValidationError` whose description is the 400 body's text, e.g.
/// `try BodyDecoder.decodeOneOrMany(Array(request.body.readableBytesView), as: OrderDraft.self)`.
public enum BodyDecoder {
    /// A POST body: one JSON object, or an array of up to `maxItems` objects (`[]` gives no drafts, as in the original).
    public static func decodeOneOrMany<T: Decodable>(_ bytes: [UInt8], as type: T.Type,
                                                     integerFields: Set<String> = [],
                                                     maxItems: Int = DomainLimits.maxItemsPerRequest) throws(ValidationError) -> [T] {
        switch try JSONLimits.scan(bytes, maxDepth: DomainLimits.maxJSONDepth, integerFields: integerFields) {
        case .object:
            return [try decode(T.self, from: bytes)]
        case .array(let count):
            guard count <= maxItems else {
                throw ValidationError(.invalidValue, "too many items in one request: at most \(maxItems), found \(count)")
            }
            return try decode([T].self, from: bytes)
        case .other(let found):
            throw ValidationError(.wrongType, "expected a JSON object or an array of objects, found \(found)")
        }
    }

    /// A PUT body: exactly one JSON object.
    public static func decodeOne<T: Decodable>(_ bytes: [UInt8], as type: T.Type,
                                               integerFields: Set<String> = []) throws(ValidationError) -> T {
        switch try JSONLimits.scan(bytes, maxDepth: DomainLimits.maxJSONDepth, integerFields: integerFields) {
        case .object:
            return try decode(T.self, from: bytes)
        case .array:
            throw ValidationError(.wrongType, "expected one JSON object, found an array")
        case .other(let found):
            throw ValidationError(.wrongType, "expected one JSON object, found \(found)")
        }
    }

    /// `decodeOneOrMany` for drafts, which know their integer fields.
    public static func decodeOneOrMany<T: EntityDraft>(_ bytes: [UInt8], as type: T.Type) throws(ValidationError) -> [T] {
        try decodeOneOrMany(bytes, as: type, integerFields: T.integerFields)
    }

    /// `decodeOne` for drafts, which know their integer fields.
    public static func decodeOne<T: EntityDraft>(_ bytes: [UInt8], as type: T.Type) throws(ValidationError) -> T {
        try decodeOne(bytes, as: type, integerFields: T.integerFields)
    }

    private static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(ValidationError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as ValidationError {
            throw error
        } catch {
            // The scan accepted the text, so this is a shape the type's own decoding refused.
            throw ValidationError(.wrongType, "the JSON does not describe what was expected: \(Self.summary(of: error))")
        }
    }

    private static func summary(of error: any Error) -> String {
        guard let decodingError = error as? DecodingError else { return "unreadable value" }
        switch decodingError {
        case .keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
        case .valueNotFound(_, let context), .typeMismatch(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? "wrong type" : "wrong value at \(path)"
        @unknown default: return "unreadable value"
        }
    }
}
