import NIOCore

/// Where and how to connect: parsed from `REDIS_URL` (`redis://[user:password@]host:port/db`, or for a cluster
/// `redis://[user:password@]host:port,host:port…`: two or more seed nodes).
public struct RedisConfiguration: Sendable {
    /// Host name or IP address.
    public var host: String
    /// TCP port (6379 by default).
    public var port: Int
    /// ACL user name; nil authenticates as `default` with `password` alone.
    public var username: String?
    /// Password for `AUTH`; nil sends no `AUTH`.
    public var password: String?
    /// Database index for `SELECT` (0 sends nothing).
    public var database: Int
    /// Name set with `CLIENT SETNAME`, visible in `CLIENT LIST`.
    public var clientName: String?
    /// Number of multiplexed connections for ordinary commands.
    public var poolSize: Int
    /// Most dedicated connections kept idle for reuse after `withDedicatedConnection`.
    public var maxIdleDedicatedConnections: Int
    /// Time allowed to establish a connection (TCP plus handshake).
    public var connectTimeout: TimeAmount
    /// Time allowed for a reply; a blocking command adds its own BLOCK time on top.
    public var commandTimeout: TimeAmount
    /// Longest wait between reconnection attempts.
    public var maxReconnectDelay: TimeAmount
    /// Decoder bounds against hostile or broken servers.
    public var decoderLimits: RESPDecoderLimits
    /// The seed nodes of a Redis Cluster (`redis://host:port,host:port`); empty for a single server.
    /// Non-empty selects cluster mode: the client reads the topology from the seeds and routes by hash slot.
    public var clusterSeeds: [RedisNodeAddress] = []
    /// Attempts of one command on a cluster across redirects, `TRYAGAIN`, `CLUSTERDOWN` and unreachable primaries,
    /// with a growing pause between them (20 ms up to 500 ms: about 2 s in all by default).
    public var clusterMaxAttempts = 8

    /// Replicas a write must reach before it counts (`WAIT` after each writing script, on the same connection):
    /// nil chooses per hash slot, 1 when the slot's primary has a replica the cluster map does not mark failed and 0 otherwise
    /// (always 0 on a single server); a number insists on that many (`REDIS_MIN_REPLICAS`).
    public var minReplicas: Int?
    /// How long a write waits for its replicas; then it fails with `.notReplicated` (`REDIS_WAIT_TIMEOUT_MS`).
    public var replicaWaitTimeout: TimeAmount = .seconds(1)

    /// True when `clusterSeeds` selects cluster mode.
    public var isCluster: Bool { !clusterSeeds.isEmpty }

    /// A configuration for host and port; other settings take their defaults.
    public init(host: String = "127.0.0.1", port: Int = 6379, username: String? = nil, password: String? = nil,
                database: Int = 0, clientName: String? = nil, poolSize: Int = 4) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.clientName = clientName
        self.poolSize = poolSize
        self.maxIdleDedicatedConnections = 8
        self.connectTimeout = .seconds(5)
        self.commandTimeout = .seconds(10)
        self.maxReconnectDelay = .seconds(2)
        self.decoderLimits = RESPDecoderLimits()
    }

    /// Parses `redis://[user:password@]host:port/db` or `redis://[user:password@]host:port,host:port…` (a cluster's
    /// seed nodes, database 0 only); throws `RedisClientError(.invalidConfiguration)` with the reason.
    public init(url: String) throws {
        func invalid(_ reason: String) -> RedisClientError {
            RedisClientError(.invalidConfiguration, "invalid Redis URL '\(Self.redacted(url))': \(reason)")
        }
        guard url.hasPrefix("redis://") else { throw invalid("it must start with redis://") }
        var rest = Substring(url.dropFirst("redis://".count))
        self.init()
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                let user = try Self.percentDecoded(userInfo[..<colon], invalid)
                username = user.isEmpty ? nil : user
                password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...], invalid)
            } else if !userInfo.isEmpty {
                // `redis://secret@host` is the common short form for a password alone.
                password = try Self.percentDecoded(userInfo, invalid)
            }
        }
        if let query = rest.firstIndex(of: "?") { rest = rest[..<query] }
        var authority = rest
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            let path = rest[rest.index(after: slash)...]
            if !path.isEmpty {
                guard let db = Int(path), db >= 0 else { throw invalid("database '\(path)' is not a non-negative integer") }
                database = db
            }
        }
        let nodes = try authority.split(separator: ",", omittingEmptySubsequences: false).map { try Self.node($0, invalid) }
        host = nodes[0].host
        port = nodes[0].port
        if nodes.count > 1 {
            guard Set(nodes).count == nodes.count else { throw invalid("a node is listed twice") }
            guard database == 0 else { throw invalid("Redis Cluster has only database 0") }
            clusterSeeds = nodes
        }
    }

    /// One `host[:port]` (IPv6 in brackets) of the URL's node list.
    private static func node(_ text: Substring, _ invalid: (String) -> RedisClientError) throws -> RedisNodeAddress {
        var authority = text
        var host: String
        var port = 6379
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw invalid("unterminated IPv6 address") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            authority = authority[authority.index(after: close)...]
            if !authority.isEmpty {
                guard authority.hasPrefix(":") else { throw invalid("unexpected text after the IPv6 address") }
                port = try Self.port(authority.dropFirst(), invalid)
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            port = try Self.port(authority[authority.index(after: colon)...], invalid)
        } else {
            host = String(authority)
        }
        guard !host.isEmpty else { throw invalid("the host is missing") }
        return RedisNodeAddress(host: host, port: port)
    }

    private static func port(_ text: Substring, _ invalid: (String) -> RedisClientError) throws -> Int {
        guard let port = Int(text), (1...65535).contains(port) else { throw invalid("port '\(text)' is not in 1...65535") }
        return port
    }

    private static func percentDecoded(_ text: Substring, _ invalid: (String) -> RedisClientError) throws -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                  let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else {
                throw invalid("bad percent-escape in the credentials")
            }
            bytes.append(value)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The URL with any password replaced, for error messages and logs.
    static func redacted(_ url: String) -> String {
        let scheme = "redis://"
        guard url.hasPrefix(scheme), let at = url.lastIndex(of: "@") else { return url }
        let userInfo = url[url.index(url.startIndex, offsetBy: scheme.count)..<at]
        let user = userInfo.firstIndex(of: ":").map { userInfo[..<$0] } ?? ""
        return scheme + user + ":***" + url[at...]
    }
}
