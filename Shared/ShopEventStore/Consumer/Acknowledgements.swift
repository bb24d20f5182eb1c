import ShopRedis

/// Entry ids handled in one batch, acknowledged together: one XACK per stream instead of one per entry.
/// A crash before the send redelivers them, which idempotent handlers absorb.
struct Acknowledgements {
    private var ids: [String: [String]] = [:]

    mutating func add(_ id: String, of stream: EventStreamID) {
        ids[stream.key, default: []].append(id)
    }

    /// Sends the XACKs (pipelined) and forgets the ids.
    mutating func send(group: String, on connection: some RedisCommandExecutor) async throws {
        guard !ids.isEmpty else { return }
        let commands = ids.map { stream, entries in
            ["XACK", RESPArgument(stream), RESPArgument(group)] + entries.map { RESPArgument($0) }
        }
        ids.removeAll()
        for result in try await connection.pipeline(commands) { _ = try result.get() }
    }
}
