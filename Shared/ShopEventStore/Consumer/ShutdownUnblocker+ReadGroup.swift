import NIOCore
import ShopBasics
import ShopRedis

extension ShutdownUnblocker {
    /// One `XREADGROUP GROUP group consumer COUNT count [BLOCK ms] STREAMS keys… positions…` over `streams` from
    /// `position` (`0`: the member's own pending entries; `>`: new ones), as `EventConsumer` and the archiver read.
    /// A blocking read is ended at once on graceful shutdown: then, or when already stopping, nil.
    public func readGroup(_ group: String, consumer: String, count: Int, streams: [EventStreamID], from position: String,
                          block: Duration?, on connection: RedisConnection, clientID: Int) async throws -> RESPValue? {
        var command: [RESPArgument] = ["XREADGROUP", "GROUP", RESPArgument(group), RESPArgument(consumer), "COUNT", RESPArgument(count)]
        if let block { command += ["BLOCK", RESPArgument(Int(block.milliseconds(atLeast: 1)))] }
        command.append("STREAMS")
        command += streams.map { RESPArgument($0.key) }
        command += streams.map { _ in RESPArgument(position) }
        guard let block else { return try await connection.send(command) }
        return try await sendBlocking(command, blockFor: .milliseconds(block.milliseconds(atLeast: 1)), on: connection, clientID: clientID)
    }
}
