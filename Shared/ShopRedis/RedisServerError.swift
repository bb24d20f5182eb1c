/// An error reply from Redis: `prefix` is its first word (`ERR`, `NOSCRIPT`, `BUSYGROUP`, `WRONGTYPE`, …).
public struct RedisServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The error's first word, e.g. `NOSCRIPT`.
    public var prefix: String
    /// The rest of the error line.
    public var message: String

    /// An error with the given prefix and message.
    public init(prefix: String, message: String) {
        self.prefix = prefix
        self.message = message
    }

    /// Splits a raw error line such as `WRONGTYPE Operation against a key…` into prefix and message.
    public init(line: String) {
        if let space = line.firstIndex(of: " ") {
            prefix = String(line[..<space])
            message = String(line[line.index(after: space)...])
        } else {
            prefix = line
            message = ""
        }
    }

    public var description: String { message.isEmpty ? prefix : "\(prefix) \(message)" }
}
