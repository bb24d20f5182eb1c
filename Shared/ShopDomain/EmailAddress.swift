/// The one rule for e-mail addresses, shared by the customer drafts and msg-service, so an address the shop
/// accepted for a customer is never refused when the welcome is sent.
public enum EmailAddress {
    /// One `@` with something on both sides, at most 64 characters before it, no white space. (Lengths and control
    /// characters are the callers' text checks.) Split by Unicode scalars, not characters: an `@` followed by a
    /// combining mark or an emoji modifier is one `Character`.
    public static func isPlausible(_ value: String) -> Bool {
        let parts = value.unicodeScalars.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && parts[0].count <= DomainLimits.maxEmailLocalPartLength
            && !value.unicodeScalars.contains { $0.properties.isWhitespace }
    }
}
