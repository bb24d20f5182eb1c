import Foundation

/// A cheap check of a request body before any decoder sees it: well-formed JSON, valid UTF-8 without a byte order
/// mark, at most `maxDepth` levels of nesting, no duplicate keys, and whole numbers in integer fields.
public enum JSONLimits {
    /// Throws a `ValidationError` (code `.malformedJSON` or `.invalidValue`) describing the first problem found.
    /// `integerFields` names keys whose numbers must be whole (`10.0` and `1e3` are; `1.5` and `1e400` are not).
    public static func check(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = DomainLimits.maxJSONDepth,
                             integerFields: Set<String> = []) throws(ValidationError) {
        _ = try scan(bytes, maxDepth: maxDepth, integerFields: integerFields)
    }

    /// The same check of a byte array.
    public static func check(_ bytes: [UInt8], maxDepth: Int = DomainLimits.maxJSONDepth,
                             integerFields: Set<String> = []) throws(ValidationError) {
        _ = try scan(bytes, maxDepth: maxDepth, integerFields: integerFields)
    }

    static func scan(_ bytes: UnsafeRawBufferPointer, maxDepth: Int, integerFields: Set<String>) throws(ValidationError)
        -> JSONScanner.TopLevel {
        var scanner = JSONScanner(bytes, maxDepth: maxDepth, integerFields: integerFields)
        return try scanner.scan()
    }

    static func scan(_ bytes: [UInt8], maxDepth: Int, integerFields: Set<String>) throws(ValidationError)
        -> JSONScanner.TopLevel {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(ValidationError) in try scan(raw, maxDepth: maxDepth, integerFields: integerFields) }
        }
        return try result.get()
    }
}
