/// The bounds every draft enforces, in one place so services, tests and docs agree.
public enum DomainLimits {
    /// Longest customer or product name, in Unicode scalars.
    public static let maxNameLength = 200
    /// Longest e-mail address (RFC 5321 path limit).
    public static let maxEmailLength = 254
    /// Longest local part (before the `@`) of an e-mail address, in Unicode scalars like every length here.
    public static let maxEmailLocalPartLength = 64
    /// Most product ids in one order (repeats count).
    public static let maxProductIDsPerOrder = 1000
    /// Highest product price: small enough that 1000 of them still sum without overflow.
    public static let maxPrice = 1_000_000_000_000
    /// Highest stock amount of one inventory entry.
    public static let maxAmount = 1_000_000_000
    /// Most entities in one POST body.
    public static let maxItemsPerRequest = 1000
    /// Deepest JSON nesting a body may have; our entities need three levels.
    public static let maxJSONDepth = 64
}
