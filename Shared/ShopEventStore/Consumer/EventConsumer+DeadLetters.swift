import ShopRedis

/// Dead-lettering: a failed delivery is retried until it has been delivered `maxDeliveries` times, then copied to
/// `deadletter:{topic}` and acknowledged in one script; an entry that does not decode goes there at once.
extension EventConsumer {
    /// A failed delivery: dead-lettered once it has been delivered `maxDeliveries` times, else retried.
    func failed(_ id: String, fields: [RESPValue], event: StoredEvent, error: any Error, of stream: EventStreamID,
                on connection: some RedisCommandExecutor) async throws -> Outcome {
        if error is CancellationError || Task.isCancelled { throw error }
        let deliveries = try await deliveryCount(of: id, in: stream, on: connection)
        if deliveries >= configuration.maxDeliveries {
            try await deadLetter(id, fields: fields, of: stream, error: "\(error)", deliveries: deliveries, on: connection)
            return .settled
        }
        logger.warning("handler failed; will retry", metadata: [
            "event.stream": "\(stream.key)", "event.entry_id": "\(id)", "event.id": "\(event.eventID)",
            "event.deliveries": "\(deliveries)", "error.message": "\(error)",
        ])
        return .retry
    }

    func deliveryCount(of id: String, in stream: EventStreamID, on connection: some RedisCommandExecutor) async throws -> Int {
        let reply = try await connection.send("XPENDING", RESPArgument(stream.key), RESPArgument(group), RESPArgument(id), RESPArgument(id), "1")
        return reply.array?.first?.array?.dropFirst(3).first?.int ?? 1
    }

    func deadLetter(_ id: String, fields: [RESPValue], of stream: EventStreamID, error: String, deliveries: Int,
                    on connection: some RedisCommandExecutor) async throws {
        let deadLetterKey = TopicKeys(stream.topic).deadLetter
        var arguments: [RESPArgument] = [RESPArgument(group), RESPArgument(id),
                                         "stream", RESPArgument(stream.key), "entry_id", RESPArgument(id),
                                         "group", RESPArgument(group), "consumer", RESPArgument(consumer),
                                         "error", RESPArgument(error), "deliveries", RESPArgument(deliveries)]
        arguments += fields.map { value in value.bytes.map { RESPArgument($0) } ?? RESPArgument(value.string ?? "") }
        _ = try await connection.evalSHA(Self.deadLetterScript, keys: [RESPArgument(deadLetterKey), RESPArgument(stream.key)],
                                         arguments: arguments)
        deadLettered.increment()
        logger.error("entry moved to the dead letter stream", metadata: [
            "event.stream": "\(stream.key)", "event.entry_id": "\(id)", "event.deliveries": "\(deliveries)", "error.message": "\(error)",
        ])
    }

    /// Copies the entry to the dead-letter stream and acknowledges it, atomically (same slot).
    static let deadLetterScript = RedisScript(#"""
    redis.call('XADD', KEYS[1], '*', unpack(ARGV, 3))
    return redis.call('XACK', KEYS[2], ARGV[1], ARGV[2])
    """#)
}
