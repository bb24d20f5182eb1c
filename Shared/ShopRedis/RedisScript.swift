/// A Lua script run with `EVALSHA`; `evalSHA` loads it on `NOSCRIPT` (first use, or after a restart or `SCRIPT FLUSH`).
public struct RedisScript: Sendable, Hashable {
    /// The Lua source.
    public let source: String
    /// Lowercase hex SHA1 of the source, as Redis names scripts.
    public let sha1: String

    /// A script from its Lua source; the SHA1 is computed once here.
    public init(_ source: String) {
        self.source = source
        self.sha1 = SHA1.hexDigest(of: Array(source.utf8))
    }
}
