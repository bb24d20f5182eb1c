import ShopBasics
import ShopRedis

/// Claiming and the group's upkeep, done every `claimIdle`/2: entries other consumers left idle (XAUTOCLAIM), the
/// group's lag per stream, and consumers of the group left behind by stopped processes.
extension EventConsumer {
    /// Claims entries idle longer than `claimIdle` from any consumer of the group, and handles them.
    func claimIdleEntries(of streams: [EventStreamID], on connection: some RedisCommandExecutor) async throws {
        for stream in streams {
            var cursor = "0-0"
            repeat {
                let reply = try await connection.send("XAUTOCLAIM", RESPArgument(stream.key), RESPArgument(group), RESPArgument(consumer),
                                                      RESPArgument(Int(configuration.claimIdle.milliseconds())), RESPArgument(cursor),
                                                      "COUNT", RESPArgument(configuration.batchSize))
                guard let parts = reply.array, parts.count >= 2, let next = parts[0].string else { break }
                var acknowledgements = Acknowledgements()
                let claimed = Self.entries(parts[1])
                for entry in claimed {
                    logger.info("claimed an idle entry", metadata: ["event.stream": "\(stream.key)", "event.entry_id": "\(entry.id)"])
                }
                for (id, outcome) in try await handle(claimed, of: stream, on: connection) where outcome == .acknowledge {
                    acknowledgements.add(id, of: stream)
                }
                try await acknowledgements.send(group: group, on: connection)
                cursor = next
            } while cursor != "0-0" && !shouldStop
        }
    }

    /// Records the group's lag per stream (entries not yet delivered to it).
    func recordLag(of streams: [EventStreamID], on connection: some RedisCommandExecutor) async throws {
        for stream in streams {
            guard let groups = try? await connection.send("XINFO", "GROUPS", RESPArgument(stream.key)).array else { continue }
            for info in groups {
                let fields = EventStore.dictionary(info)
                if fields["name"]?.string == group, let lag = fields["lag"]?.int {
                    lagGauges[stream]?.record(lag)
                }
            }
        }
    }

    /// Removes other consumers of the group that hold no pending entry and have been idle past `forgetIdle`.
    func forgetIdleConsumers(of streams: [EventStreamID], on connection: some RedisCommandExecutor) async throws {
        try await EventStore.forgetIdleConsumers(of: streams, group: group, idleLongerThan: configuration.forgetIdle, keeping: consumer,
                                                 on: connection, logger: logger)
    }
}
