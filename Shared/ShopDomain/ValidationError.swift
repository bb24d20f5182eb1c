/// Bad input from a user: `description` is the text for the 400 body `{"error": description}`.
public struct ValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it is, for code that must tell them apart; the text is for people.
    public enum Code: String, Sendable {
        /// The body is not well-formed JSON (syntax, encoding, nesting, duplicate keys, a non-integer number).
        case malformedJSON
        /// A required field is absent or null.
        case missingField
        /// A value has the wrong JSON type, e.g. a string where a number goes.
        case wrongType
        /// A value has the right type but is not acceptable: negative, too long, not a UUID, …
        case invalidValue
    }

    /// The kind of problem.
    public let code: Code
    /// The text for the user, without internals.
    public let description: String

    /// An error of `code` whose text a user will read.
    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    /// The same error about the item at `index` (0-based) of an array body.
    func inItem(_ index: Int) -> ValidationError {
        ValidationError(code, "item \(index + 1): \(description)")
    }
}
