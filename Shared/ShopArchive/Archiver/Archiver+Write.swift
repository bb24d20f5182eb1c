import NIOCore
import ShopEventStore
import ShopPostgres
import ShopRedis

extension Archiver {
    /// Inserts a batch in one statement and, once committed, acknowledges it; an entry that cannot be archived
    /// (malformed, or refused by PostgreSQL as data) goes to the topic's dead letters instead, so it blocks nothing.
    func write(_ entries: [(stream: EventStreamID, entry: StreamEntry)], on connection: RedisConnection) async throws {
        var events: [(stream: EventStreamID, event: StoredEvent)] = []
        var rejected: [(stream: EventStreamID, entry: StreamEntry, reason: String)] = []
        var acknowledge: [EventStreamID: [String]] = [:]
        for (stream, entry) in entries {
            if entry.isDeleted {
                acknowledge[stream, default: []].append(entry.id)  // trimmed while pending: nothing left to archive
                continue
            }
            do {
                events.append((stream, try Self.event(from: entry, of: stream, maxEntitySize: configuration.maxEntitySize)))
            } catch {
                rejected.append((stream, entry, "\(error)"))
            }
        }
        var inserted = 0
        for start in stride(from: 0, to: events.count, by: configuration.batchSize) {
            let chunk = Array(events[start..<min(start + configuration.batchSize, events.count)])
            do {
                inserted += try await archive.insert(chunk.map(\.event))
            } catch let error as PostgresError where error.isDataError {
                // Some row is not storable; find it one row at a time, keep the rest.
                for (stream, event) in chunk {
                    do {
                        inserted += try await archive.insert([event])
                    } catch let error as PostgresError where error.isDataError {
                        if let entry = entries.first(where: { $0.entry.id == event.entryID.description && $0.stream == stream })?.entry {
                            rejected.append((stream, entry, error.message))
                        }
                        events.removeAll { $0.event.eventID == event.eventID && $0.stream == stream }
                    }
                }
            }
        }
        for (stream, event) in events { acknowledge[stream, default: []].append(event.entryID.description) }
        if !rejected.isEmpty { try await deadLetter(rejected, on: connection) }
        if !acknowledge.isEmpty {
            let replies = try await connection.pipeline(acknowledge.map { stream, ids in
                [RESPArgument("XACK"), RESPArgument(stream.key), RESPArgument(configuration.group)] + ids.map { RESPArgument($0) }
            })
            for reply in replies { _ = try reply.get() }
        }
        failures.store(0, ordering: .relaxed)
        archivedCounter.increment(by: events.count)
        state.withLock { state in
            state.acknowledged += events.count
            state.inserted += inserted
            state.batches += 1
            state.lastError = nil
        }
    }

    /// Reads a stream entry as an event (inflating gzip entities); throws for a malformed one.
    static func event(from entry: StreamEntry, of stream: EventStreamID, maxEntitySize: Int) throws -> StoredEvent {
        var fields: [RESPValue] = []
        fields.reserveCapacity(entry.fields.count * 2)
        for field in entry.fields {
            fields.append(.bulkString(ByteBuffer(string: field.name)))
            fields.append(.bulkString(field.value))
        }
        return try StoredEvent(topic: stream.topic, action: stream.action, entryID: entry.id, fields: fields, maxEntitySize: maxEntitySize)
    }

    /// Copies entries to `deadletter:{topic}` with the reason, then acknowledges them.
    private func deadLetter(_ rejected: [(stream: EventStreamID, entry: StreamEntry, reason: String)],
                            on connection: RedisConnection) async throws {
        var commands: [[RESPArgument]] = []
        for (stream, entry, reason) in rejected {
            var command: [RESPArgument] = ["XADD", RESPArgument(TopicKeys(stream.topic).deadLetter), "*",
                                           "stream", RESPArgument(stream.key), "entry_id", RESPArgument(entry.id),
                                           "group", RESPArgument(configuration.group), "consumer", RESPArgument(configuration.consumer),
                                           "error", RESPArgument(reason), "deliveries", "1"]
            for field in entry.fields { command += [RESPArgument(field.name), RESPArgument(field.value)] }
            commands.append(command)
            commands.append(["XACK", RESPArgument(stream.key), RESPArgument(configuration.group), RESPArgument(entry.id)])
            logger.error("entry cannot be archived; moved to the dead letters", metadata: [
                "stream": "\(stream.key)", "entry.id": "\(entry.id)", "error": "\(reason)",
            ])
        }
        for reply in try await connection.pipeline(commands) { _ = try reply.get() }
        deadLetterCounter.increment(by: rejected.count)
        state.withLock { $0.deadLettered += rejected.count }
    }
}

extension PostgresError {
    /// A data exception (class 22: bad JSON, bad uuid, …) or a constraint violation (class 23) of one row,
    /// which retrying cannot fix, as opposed to a lost connection or a server that is down.
    var isDataError: Bool {
        guard code == .server, let state = sqlState else { return false }
        return state.hasPrefix("22") || state.hasPrefix("23")
    }
}
