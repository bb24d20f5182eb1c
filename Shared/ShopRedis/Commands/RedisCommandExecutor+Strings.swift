import NIOCore

extension RedisCommandExecutor {
    /// `GET`: the value's bytes, nil when the key does not exist.
    nonisolated(nonsending) public func get(_ key: String) async throws -> ByteBuffer? {
        try await send("GET", RESPArgument(key)).bytes
    }

    /// `GET` as UTF-8 text.
    nonisolated(nonsending) public func getString(_ key: String) async throws -> String? {
        try await get(key).map { String(buffer: $0) }
    }

    /// `SET` with optional expiry and `NX`; true when the value was set.
    @discardableResult
    nonisolated(nonsending) public func set(_ key: String, to value: RESPArgument, expiresIn: TimeAmount? = nil, onlyIfAbsent: Bool = false) async throws -> Bool {
        var command: [RESPArgument] = ["SET", RESPArgument(key), value]
        if let expiresIn { command += ["PX", RESPArgument(max(1, Int(expiresIn.nanoseconds / 1_000_000)))] }
        if onlyIfAbsent { command.append("NX") }
        return try await !send(command).isNull
    }

    /// `DEL`: the number of keys removed.
    @discardableResult
    nonisolated(nonsending) public func del(_ keys: [String]) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        return try await send([RESPArgument("DEL")] + keys.map { RESPArgument($0) }).intValue("DEL")
    }

    /// `DEL` of the given keys.
    @discardableResult
    nonisolated(nonsending) public func del(_ keys: String...) async throws -> Int {
        try await del(keys)
    }

    /// `EXISTS`: how many of the keys exist.
    nonisolated(nonsending) public func exists(_ keys: String...) async throws -> Int {
        try await send([RESPArgument("EXISTS")] + keys.map { RESPArgument($0) }).intValue("EXISTS")
    }

    /// `INCRBY`: the new value.
    @discardableResult
    nonisolated(nonsending) public func incr(_ key: String, by amount: Int = 1) async throws -> Int {
        try await send("INCRBY", RESPArgument(key), RESPArgument(amount)).intValue("INCRBY")
    }

    /// `PEXPIRE`: true when the key exists and got the timeout.
    @discardableResult
    nonisolated(nonsending) public func expire(_ key: String, in duration: TimeAmount) async throws -> Bool {
        try await send("PEXPIRE", RESPArgument(key), RESPArgument(Int(duration.nanoseconds / 1_000_000))).intValue("PEXPIRE") == 1
    }
}
