import NIOCore

extension RedisCommandExecutor {
    /// `XADD`: appends an entry and returns its id; trims by `maxLen` or `minID` (`~` unless `approximate` is false).
    @discardableResult
    nonisolated(nonsending) public func xadd(_ key: String, id: String = "*", fields: [(String, RESPArgument)], maxLen: Int? = nil, minID: String? = nil,
                     approximate: Bool = true) async throws -> String {
        guard !fields.isEmpty else { throw RedisClientError(.invalidArgument, "XADD needs at least one field") }
        var command: [RESPArgument] = ["XADD", RESPArgument(key)]
        command += try Self.trimArguments(maxLen: maxLen, minID: minID, approximate: approximate, required: false)
        command.append(RESPArgument(id))
        command.append(pairs: fields)
        return try await send(command).stringValue("XADD")
    }

    /// `XRANGE`: entries from `start` to `end` inclusive (`-`/`+` for the ends), oldest first.
    nonisolated(nonsending) public func xrange(_ key: String, start: String = "-", end: String = "+", count: Int? = nil) async throws -> [StreamEntry] {
        var command: [RESPArgument] = ["XRANGE", RESPArgument(key), RESPArgument(start), RESPArgument(end)]
        if let count { command += ["COUNT", RESPArgument(count)] }
        return try StreamEntry.list(try await send(command), command: "XRANGE")
    }

    /// `XREVRANGE`: entries from `end` down to `start`, newest first.
    nonisolated(nonsending) public func xrevrange(_ key: String, end: String = "+", start: String = "-", count: Int? = nil) async throws -> [StreamEntry] {
        var command: [RESPArgument] = ["XREVRANGE", RESPArgument(key), RESPArgument(end), RESPArgument(start)]
        if let count { command += ["COUNT", RESPArgument(count)] }
        return try StreamEntry.list(try await send(command), command: "XREVRANGE")
    }

    /// `XREAD`: entries after each id (`$` for new ones only). `block` nil does not block, `.zero` blocks forever;
    /// a blocking read on the pooled client runs on a dedicated connection.
    nonisolated(nonsending) public func xread(streams: [(key: String, id: String)], count: Int? = nil, block: TimeAmount? = nil) async throws -> [StreamReadResult] {
        var command: [RESPArgument] = ["XREAD"]
        if let count { command += ["COUNT", RESPArgument(count)] }
        if let block { command += ["BLOCK", RESPArgument(Int(block.nanoseconds / 1_000_000))] }
        command += Self.streamsArguments(streams)
        let reply = try await sendMaybeBlocking(command, block: block)
        return try StreamReadResult.list(reply, command: "XREAD")
    }

    /// `XTRIM`: trims by `maxLen` or `minID`; returns how many entries were removed.
    @discardableResult
    nonisolated(nonsending) public func xtrim(_ key: String, maxLen: Int? = nil, minID: String? = nil, approximate: Bool = false) async throws -> Int {
        let trim = try Self.trimArguments(maxLen: maxLen, minID: minID, approximate: approximate, required: true)
        return try await send([RESPArgument("XTRIM"), RESPArgument(key)] + trim).intValue("XTRIM")
    }

    /// `XLEN`: the number of entries (0 for a missing key).
    nonisolated(nonsending) public func xlen(_ key: String) async throws -> Int {
        try await send("XLEN", RESPArgument(key)).intValue("XLEN")
    }

    /// `XDEL`: removes entries by id; returns how many existed.
    @discardableResult
    nonisolated(nonsending) public func xdel(_ key: String, ids: [String]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await send([RESPArgument("XDEL"), RESPArgument(key)] + ids.map { RESPArgument($0) }).intValue("XDEL")
    }

    /// `XINFO STREAM`: length, groups, last id and the entries at both ends.
    nonisolated(nonsending) public func xinfoStream(_ key: String) async throws -> StreamInfo {
        let reply = try await send("XINFO", "STREAM", RESPArgument(key))
        let info = try reply.dictionary("XINFO STREAM")
        guard let length = info["length"]?.int, let groups = info["groups"]?.int, let lastID = info["last-generated-id"]?.string else {
            throw RedisClientError.unexpected(reply, for: "XINFO STREAM")
        }
        func entry(_ name: String) throws -> StreamEntry? {
            guard let value = info[name], !value.isNull else { return nil }
            return try StreamEntry(reply: value, command: "XINFO STREAM")
        }
        return StreamInfo(length: length, groups: groups, lastGeneratedID: lastID, entriesAdded: info["entries-added"]?.int,
                          firstEntry: try entry("first-entry"), lastEntry: try entry("last-entry"), raw: info)
    }

    /// Blocking commands go where they delay nobody; non-blocking ones take the ordinary path.
    nonisolated(nonsending) func sendMaybeBlocking(_ command: [RESPArgument], block: TimeAmount?) async throws -> RESPValue {
        guard let block else { return try await send(command) }
        return try await sendBlocking(command, blockFor: block == .zero ? nil : block)
    }

    static func streamsArguments(_ streams: [(key: String, id: String)]) -> [RESPArgument] {
        var arguments: [RESPArgument] = ["STREAMS"]
        arguments.reserveCapacity(1 + streams.count * 2)
        arguments += streams.map { RESPArgument($0.key) }
        arguments += streams.map { RESPArgument($0.id) }
        return arguments
    }

    static func trimArguments(maxLen: Int?, minID: String?, approximate: Bool, required: Bool) throws -> [RESPArgument] {
        let mark: [RESPArgument] = approximate ? ["~"] : []
        switch (maxLen, minID) {
        case (let maxLen?, nil):
            guard maxLen >= 0 else { throw RedisClientError(.invalidArgument, "MAXLEN must not be negative") }
            return ["MAXLEN"] + mark + [RESPArgument(maxLen)]
        case (nil, let minID?):
            return ["MINID"] + mark + [RESPArgument(minID)]
        case (nil, nil):
            if required { throw RedisClientError(.invalidArgument, "XTRIM needs maxLen or minID") }
            return []
        case (.some, .some):
            throw RedisClientError(.invalidArgument, "trim by maxLen or by minID, not both")
        }
    }
}
