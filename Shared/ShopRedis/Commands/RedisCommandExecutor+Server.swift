import NIOCore

extension RedisCommandExecutor {
    /// `MEMORY USAGE`: bytes the key and its value use, nil when the key does not exist.
    nonisolated(nonsending) public func memoryUsage(_ key: String) async throws -> Int? {
        let reply = try await send("MEMORY", "USAGE", RESPArgument(key))
        return reply.isNull ? nil : try reply.intValue("MEMORY USAGE")
    }

    /// `INFO [section]` as `name: value` pairs (section headers and blank lines dropped).
    nonisolated(nonsending) public func info(_ section: String? = nil) async throws -> [String: String] {
        let reply = try await send(section.map { ["INFO", RESPArgument($0)] } ?? ["INFO"])
        var result: [String: String] = [:]
        for line in try reply.stringValue("INFO").split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            result[String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
        return result
    }

    /// One `SCAN` step: the next cursor (`0` when done) and the keys found, optionally only of one `type`.
    nonisolated(nonsending) public func scan(cursor: String = "0", match: String? = nil, count: Int? = nil, type: String? = nil) async throws -> (cursor: String, keys: [String]) {
        var command: [RESPArgument] = ["SCAN", RESPArgument(cursor)]
        if let match { command += ["MATCH", RESPArgument(match)] }
        if let count { command += ["COUNT", RESPArgument(count)] }
        if let type { command += ["TYPE", RESPArgument(type)] }
        let reply = try await send(command)
        let parts = try reply.arrayValue("SCAN")
        guard parts.count == 2, let next = parts[0].string else { throw RedisClientError.unexpected(reply, for: "SCAN") }
        return (next, try parts[1].arrayValue("SCAN").map { try $0.stringValue("SCAN") })
    }

    /// Every key matching `match` (and `type`), following the cursor to the end; keys may repeat as SCAN allows.
    nonisolated(nonsending) public func scanAll(match: String? = nil, type: String? = nil, count: Int = 1000) async throws -> [String] {
        var keys: [String] = []
        var cursor = "0"
        repeat {
            let step = try await scan(cursor: cursor, match: match, count: count, type: type)
            keys += step.keys
            cursor = step.cursor
        } while cursor != "0"
        return keys
    }
}
