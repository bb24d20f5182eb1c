import NIOCore

extension RedisCommandExecutor {
    /// `XGROUP CREATE`: creates a group reading from `id` (`$`: only new entries, `0`: everything);
    /// returns false when the group already existed (`BUSYGROUP` is tolerated).
    @discardableResult
    nonisolated(nonsending) public func xgroupCreate(_ key: String, group: String, id: String = "$", mkstream: Bool = true) async throws -> Bool {
        var command: [RESPArgument] = ["XGROUP", "CREATE", RESPArgument(key), RESPArgument(group), RESPArgument(id)]
        if mkstream { command.append("MKSTREAM") }
        do {
            _ = try await send(command)
            return true
        } catch let error as RedisServerError where error.prefix == "BUSYGROUP" {
            return false
        }
    }

    /// `XGROUP DESTROY`: true when the group existed.
    @discardableResult
    nonisolated(nonsending) public func xgroupDestroy(_ key: String, group: String) async throws -> Bool {
        try await send("XGROUP", "DESTROY", RESPArgument(key), RESPArgument(group)).intValue("XGROUP DESTROY") == 1
    }

    /// `XREADGROUP`: `>` for new entries, an id (`0`) to re-read this consumer's pending ones.
    /// `block` nil does not block, `.zero` blocks forever; blocking reads on the pooled client use a dedicated connection.
    nonisolated(nonsending) public func xreadgroup(group: String, consumer: String, streams: [(key: String, id: String)], count: Int? = nil,
                           block: TimeAmount? = nil, noAck: Bool = false) async throws -> [StreamReadResult] {
        var command: [RESPArgument] = ["XREADGROUP", "GROUP", RESPArgument(group), RESPArgument(consumer)]
        if let count { command += ["COUNT", RESPArgument(count)] }
        if let block { command += ["BLOCK", RESPArgument(Int(block.nanoseconds / 1_000_000))] }
        if noAck { command.append("NOACK") }
        command += Self.streamsArguments(streams)
        let reply = try await sendMaybeBlocking(command, block: block)
        return try StreamReadResult.list(reply, command: "XREADGROUP")
    }

    /// `XACK`: acknowledges entries; returns how many were pending.
    @discardableResult
    nonisolated(nonsending) public func xack(_ key: String, group: String, ids: [String]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await send([RESPArgument("XACK"), RESPArgument(key), RESPArgument(group)] + ids.map { RESPArgument($0) }).intValue("XACK")
    }

    /// `XPENDING key group`: the summary.
    nonisolated(nonsending) public func xpending(_ key: String, group: String) async throws -> StreamPendingSummary {
        let reply = try await send("XPENDING", RESPArgument(key), RESPArgument(group))
        let parts = try reply.arrayValue("XPENDING")
        guard parts.count == 4, let count = parts[0].int else { throw RedisClientError.unexpected(reply, for: "XPENDING") }
        var consumers: [String: Int] = [:]
        for item in try parts[3].arrayValue("XPENDING") {
            guard let pair = item.array, pair.count == 2, let name = pair[0].string, let pending = pair[1].int else {
                throw RedisClientError.unexpected(reply, for: "XPENDING")
            }
            consumers[name] = pending
        }
        return StreamPendingSummary(count: count, smallestID: parts[1].string, largestID: parts[2].string, consumers: consumers)
    }

    /// `XPENDING key group [IDLE ms] start end count [consumer]`: pending entries with owner, idle time and deliveries.
    nonisolated(nonsending) public func xpending(_ key: String, group: String, start: String = "-", end: String = "+", count: Int,
                         consumer: String? = nil, minIdle: TimeAmount? = nil) async throws -> [StreamPendingEntry] {
        var command: [RESPArgument] = ["XPENDING", RESPArgument(key), RESPArgument(group)]
        if let minIdle { command += ["IDLE", RESPArgument(Int(minIdle.nanoseconds / 1_000_000))] }
        command += [RESPArgument(start), RESPArgument(end), RESPArgument(count)]
        if let consumer { command.append(RESPArgument(consumer)) }
        let reply = try await send(command)
        return try reply.arrayValue("XPENDING").map { item in
            guard let parts = item.array, parts.count == 4, let id = parts[0].string, let owner = parts[1].string,
                  let idle = parts[2].int, let deliveries = parts[3].int else {
                throw RedisClientError.unexpected(reply, for: "XPENDING")
            }
            return StreamPendingEntry(id: id, consumer: owner, idleMilliseconds: idle, deliveryCount: deliveries)
        }
    }

    /// `XCLAIM`: takes over entries idle at least `minIdle`; returns those claimed (deleted ones are left out).
    nonisolated(nonsending) public func xclaim(_ key: String, group: String, consumer: String, minIdle: TimeAmount, ids: [String]) async throws -> [StreamEntry] {
        guard !ids.isEmpty else { return [] }
        let command: [RESPArgument] = ["XCLAIM", RESPArgument(key), RESPArgument(group), RESPArgument(consumer),
                                       RESPArgument(Int(minIdle.nanoseconds / 1_000_000))] + ids.map { RESPArgument($0) }
        let reply = try await send(command)
        return try reply.arrayValue("XCLAIM").filter { !$0.isNull }.map { try StreamEntry(reply: $0, command: "XCLAIM") }
    }

    /// `XAUTOCLAIM`: claims up to `count` entries idle at least `minIdle`, scanning from `start`.
    nonisolated(nonsending) public func xautoclaim(_ key: String, group: String, consumer: String, minIdle: TimeAmount, start: String = "0-0",
                           count: Int = 100) async throws -> StreamAutoClaimResult {
        let reply = try await send("XAUTOCLAIM", RESPArgument(key), RESPArgument(group), RESPArgument(consumer),
                                   RESPArgument(Int(minIdle.nanoseconds / 1_000_000)), RESPArgument(start), "COUNT", RESPArgument(count))
        let parts = try reply.arrayValue("XAUTOCLAIM")
        guard parts.count >= 2, let next = parts[0].string else { throw RedisClientError.unexpected(reply, for: "XAUTOCLAIM") }
        let entries = try parts[1].arrayValue("XAUTOCLAIM").filter { !$0.isNull }.map { try StreamEntry(reply: $0, command: "XAUTOCLAIM") }
        let deleted = parts.count > 2 ? try parts[2].arrayValue("XAUTOCLAIM").compactMap(\.string) : []
        return StreamAutoClaimResult(nextStart: next, entries: entries, deletedIDs: deleted)
    }

    /// `XINFO GROUPS`: every consumer group of the stream.
    nonisolated(nonsending) public func xinfoGroups(_ key: String) async throws -> [StreamGroupInfo] {
        let reply = try await send("XINFO", "GROUPS", RESPArgument(key))
        return try reply.arrayValue("XINFO GROUPS").map { item in
            let info = try item.dictionary("XINFO GROUPS")
            guard let name = info["name"]?.string, let consumers = info["consumers"]?.int, let pending = info["pending"]?.int,
                  let lastID = info["last-delivered-id"]?.string else {
                throw RedisClientError.unexpected(reply, for: "XINFO GROUPS")
            }
            return StreamGroupInfo(name: name, consumers: consumers, pending: pending, lastDeliveredID: lastID, lag: info["lag"]?.int)
        }
    }

    /// `XINFO CONSUMERS`: every consumer of a group.
    nonisolated(nonsending) public func xinfoConsumers(_ key: String, group: String) async throws -> [StreamConsumerInfo] {
        let reply = try await send("XINFO", "CONSUMERS", RESPArgument(key), RESPArgument(group))
        return try reply.arrayValue("XINFO CONSUMERS").map { item in
            let info = try item.dictionary("XINFO CONSUMERS")
            guard let name = info["name"]?.string, let pending = info["pending"]?.int, let idle = info["idle"]?.int else {
                throw RedisClientError.unexpected(reply, for: "XINFO CONSUMERS")
            }
            return StreamConsumerInfo(name: name, pending: pending, idleMilliseconds: idle)
        }
    }
}
