import ShopRedis

/// Reading: one XREADGROUP batch (own pending entries or new ones), decoding its entries, running the handler on them
/// and acknowledging what it handled.
extension EventConsumer {
    /// Reads one batch (`0`: our pending entries; `>`: new ones) and handles it; reports whether any failed.
    func readAndHandle(_ streams: [EventStreamID], on connection: RedisConnection, from position: String,
                       block: Duration?, clientID: Int) async throws -> (read: Int, failed: Bool) {
        guard let reply = try await unblocker.readGroup(group, consumer: consumer, count: configuration.batchSize, streams: streams,
                                                        from: position, block: block, on: connection, clientID: clientID)
        else { return (0, false) }
        var read = 0
        var failed = false
        var acknowledgements = Acknowledgements()
        for (key, entries) in Self.streamEntries(reply) {
            guard let stream = streams.first(where: { $0.key == key }), !shouldStop else { continue }
            read += entries.count
            for (id, outcome) in try await handle(entries, of: stream, on: connection) {
                switch outcome {
                case .acknowledge: acknowledgements.add(id, of: stream)
                case .settled, .notReached: break
                case .retry: failed = true
                }
            }
        }
        try await acknowledgements.send(group: group, on: connection)
        return (read, failed)
    }

    /// What became of one delivery.
    enum Outcome: Equatable {
        /// Handled (or nothing to handle): acknowledge it with the rest of the batch.
        case acknowledge
        /// Dead-lettered, which acknowledged it.
        case settled
        /// Failed; it stays pending and is retried.
        case retry
        /// Not attempted because the consumer is stopping; it stays pending.
        case notReached
    }

    /// Decodes entries of one stream and runs the handler on them (in order); an entry that does not decode is
    /// dead-lettered at once, a failed one once its delivery count reaches the limit.
    func handle(_ entries: [(id: String, fields: [RESPValue]?)], of stream: EventStreamID,
                on connection: some RedisCommandExecutor) async throws -> [(id: String, outcome: Outcome)] {
        var outcomes: [(id: String, outcome: Outcome)] = []
        var decoded: [(id: String, fields: [RESPValue], event: StoredEvent)] = []
        for entry in entries {
            // Deleted from the stream (trimmed) while pending: nothing left to handle.
            guard let fields = entry.fields else {
                outcomes.append((entry.id, .acknowledge))
                continue
            }
            do {
                let event = try StoredEvent(topic: stream.topic, action: stream.action, entryID: entry.id, fields: fields,
                                            maxEntitySize: configuration.maxEntitySize)
                decoded.append((entry.id, fields, event))
            } catch {
                try await deadLetter(entry.id, fields: fields, of: stream, error: "\(error)", deliveries: 1, on: connection)
                outcomes.append((entry.id, .settled))
            }
        }
        guard !decoded.isEmpty else { return outcomes }
        let results = try await run(decoded.map(\.event))
        for (entry, result) in zip(decoded, results) {
            switch result {
            case .handled:
                outcomes.append((entry.id, .acknowledge))
            case .notReached:
                outcomes.append((entry.id, .notReached))
            case .failed(let error):
                outcomes.append((entry.id, try await failed(entry.id, fields: entry.fields, event: entry.event, error: error,
                                                            of: stream, on: connection)))
            }
        }
        // A batch handler that answered fewer results than events: the rest stay pending.
        for entry in decoded.dropFirst(results.count) { outcomes.append((entry.id, .notReached)) }
        return outcomes
    }

    /// The handler's results for `events`: one by one (stopping between two events on shutdown) or as one batch.
    func run(_ events: [StoredEvent]) async throws -> [BatchResult] {
        switch handling {
        case .each(let handler):
            var results: [BatchResult] = []
            for event in events {
                guard !shouldStop else {
                    results.append(.notReached)
                    continue
                }
                do {
                    try await EventTracing.reacting(to: event, group: group) { try await handler(event) }
                    results.append(.handled)
                } catch {
                    if error is CancellationError || Task.isCancelled { throw error }
                    results.append(.failed(error))
                }
            }
            return results
        case .batch(let handler):
            do {
                return try await handler(events)
            } catch {
                if error is CancellationError || Task.isCancelled { throw error }
                return events.map { _ in .failed(error) }
            }
        }
    }

    /// The (stream, entries) pairs of an XREADGROUP reply, RESP2 (array of pairs) or RESP3 (map).
    static func streamEntries(_ reply: RESPValue) -> [(String, [(id: String, fields: [RESPValue]?)])] {
        switch reply {
        case .map(let map):
            return map.compactMap { key, value in key.string.map { ($0, entries(value)) } }
        case .array(let streams):
            return streams.compactMap { stream in
                guard let pair = stream.array, pair.count == 2, let key = pair[0].string else { return nil }
                return (key, entries(pair[1]))
            }
        default:
            return []
        }
    }

    /// The entries of a stream reply; an entry deleted while pending has nil fields.
    static func entries(_ value: RESPValue) -> [(id: String, fields: [RESPValue]?)] {
        (value.array ?? []).compactMap { entry in
            guard let parts = entry.array, let id = parts.first?.string else { return nil }
            return (id, parts.count > 1 ? parts[1].array : nil)
        }
    }
}
