import ShopBasics

/// Where and how to connect: host, port, credentials, database, and the size of the connection pool.
public struct PostgresConfiguration: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    /// libpq `sslmode` (`disable`, `prefer`, `require`, …); nil leaves libpq's default.
    public var sslMode: String?
    /// Seconds libpq waits for a connection before it gives up.
    public var connectTimeoutSeconds: Int
    /// Connections the client keeps at most (each one a thread of the client's thread pool).
    public var poolSize: Int
    /// Shown in `pg_stat_activity`, so an operator sees which service holds a connection.
    public var applicationName: String

    /// A configuration from its parts; the pool holds 4 connections unless told otherwise.
    public init(
        host: String, port: Int = 5432, user: String, password: String? = nil, database: String,
        poolSize: Int = 4, connectTimeoutSeconds: Int = 5, applicationName: String = "ordershop"
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.sslMode = nil
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.poolSize = poolSize
        self.applicationName = applicationName
    }

    /// Parses a `DATABASE_URL`: `postgres://user:password@host:port/database[?sslmode=…&connect_timeout=…&application_name=…]`.
    /// The user defaults to `postgres`, the port to 5432 and the database to the user; anything else malformed is an error.
    public init(url: String, poolSize: Int = 4) throws(PostgresError) {
        var rest = Substring(url)
        guard let schemeEnd = rest.firstRange(of: "://") else {
            throw .invalidConfiguration("DATABASE_URL must look like postgres://user:password@host:port/database")
        }
        let scheme = rest[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw .invalidConfiguration("DATABASE_URL scheme must be postgres:// or postgresql://, not \(scheme)://")
        }
        rest = rest[schemeEnd.upperBound...]

        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var user = "postgres"
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                user = try Self.percentDecoded(userInfo[..<colon], part: "user")
                password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...], part: "password")
            } else {
                user = try Self.percentDecoded(userInfo, part: "user")
            }
            guard !user.isEmpty else { throw .invalidConfiguration("DATABASE_URL has an empty user name") }
        }
        let (host, port) = try Self.hostAndPort(rest)
        let database = path.isEmpty ? user : try Self.percentDecoded(path, part: "database")
        guard !database.contains("/") else { throw .invalidConfiguration("DATABASE_URL database name must not contain '/'") }

        self.init(host: host, port: port, user: user, password: password, database: database, poolSize: poolSize)
        try applyQuery(query)
    }

    /// The URL without its password, for logs and errors.
    public var description: String {
        let credentials = password == nil ? user : "\(user):***"
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(credentials)@\(shownHost):\(port)/\(database)"
    }

    private mutating func applyQuery(_ query: Substring) throws(PostgresError) {
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0])
            let value = try Self.percentDecoded(parts.count > 1 ? parts[1] : "", part: key)
            switch key {
            case "sslmode":
                let modes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]
                guard modes.contains(value) else { throw .invalidConfiguration("DATABASE_URL sslmode must be one of \(modes.joined(separator: ", "))") }
                sslMode = value
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0 else { throw .invalidConfiguration("DATABASE_URL connect_timeout must be a positive number of seconds") }
                connectTimeoutSeconds = seconds
            case "application_name":
                applicationName = value
            default:
                throw .invalidConfiguration("DATABASE_URL has an unsupported parameter '\(key)' (known: sslmode, connect_timeout, application_name)")
            }
        }
    }

    private static func hostAndPort(_ authority: Substring) throws(PostgresError) -> (String, Int) {
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidConfiguration("DATABASE_URL has an unclosed '[' in its host") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty {
                throw .invalidConfiguration("DATABASE_URL has junk after its IPv6 host")
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { throw .invalidConfiguration("DATABASE_URL has no host") }
        var port = 5432
        if let portText {
            guard let parsed = Int(portText), (1...65535).contains(parsed) else {
                throw .invalidConfiguration("DATABASE_URL port must be a number from 1 to 65535")
            }
            port = parsed
        }
        return (try percentDecoded(host, part: "host"), port)
    }

    /// Decodes `%XX` escapes (so a password may hold `@`, `:` or `/`); a broken escape is an error.
    private static func percentDecoded(_ text: Substring, part: String) throws(PostgresError) -> String {
        guard let bytes = PercentDecoding.bytes(text, plusIsSpace: false) else {
            throw .invalidConfiguration("DATABASE_URL has a broken %-escape in its \(part)")
        }
        guard let decoded = String(validating: bytes, as: UTF8.self), !decoded.utf8.contains(0) else {
            throw .invalidConfiguration("DATABASE_URL \(part) is not valid UTF-8 text")
        }
        return decoded
    }
}
