// ShopPostgres/Migrations: the schema's numbered migrations and how the client applies them once.

/// One numbered schema change: statements run in one transaction, recorded in `schema_migrations`.
public struct PostgresMigration: Sendable {
    /// Applied in ascending order; never reuse or renumber a version once it shipped.
    public let version: Int
    /// A short description, recorded next to the version.
    public let name: String
    /// Constant SQL, one statement per element (each runs as its own parameterless statement).
    public let statements: [String]

    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }

    /// FNV-1a of the statements: a migration edited after it was applied is caught at start.
    var checksum: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for statement in statements {
            for byte in statement.utf8 + [0] {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
