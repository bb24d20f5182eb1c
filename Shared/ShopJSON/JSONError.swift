/// Why `JSONReader` refused a text, or why a value read from JSON is not what a caller needs.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Code: Sendable, Equatable {
        /// Not well-formed JSON: syntax, encoding, nesting, a duplicate key.
        case malformed
        /// Well-formed, but a value is not acceptable: a fraction in an integer field, a missing or mistyped member.
        case invalidValue
    }

    public let code: Code
    /// The text for the user, e.g. `malformed JSON at byte offset 3: expected ':'`.
    public let description: String

    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
