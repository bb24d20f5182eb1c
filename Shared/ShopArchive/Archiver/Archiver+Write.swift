import ShopEventStore
import ShopPostgres
import ShopRedis

extension Archiver {
    /// Inserts a batch in one statement and, once committed, acknowledges it; an entry that cannot be archived
    /// (malformed, or refused by PostgreSQL as data) goes to the topic's dead letters instead, so it blocks nothing.
    func write(_ entries: [ArchiveEntry]) async throws {
        var events: [(entry: ArchiveEntry, event: StoredEvent)] = []
        var rejected: [(entry: ArchiveEntry, reason: String)] = []
        var acknowledge: [EventStreamID: [String]] = [:]
        events.reserveCapacity(entries.count)
        for entry in entries {
            guard let fields = entry.fields else {
                acknowledge[entry.stream, default: []].append(entry.id)  // trimmed while pending: nothing left to archive
                continue
            }
            do {
                let event = try StoredEvent(topic: entry.stream.topic, action: entry.stream.action, entryID: entry.id, fields: fields,
                                            maxEntitySize: configuration.maxEntitySize)
                events.append((entry, event))
            } catch {
                rejected.append((entry, "\(error)"))
            }
        }
        var inserted = 0
        var archived: [ArchiveEntry] = []
        archived.reserveCapacity(events.count)
        for start in stride(from: 0, to: events.count, by: configuration.batchSize) {
            let chunk = events[start..<min(start + configuration.batchSize, events.count)]
            do {
                inserted += try await archive.insert(chunk.map(\.event))
                archived += chunk.map(\.entry)
            } catch let error as PostgresError where error.isDataError {
                // Some row is not storable; find it one row at a time, keep the rest.
                for (entry, event) in chunk {
                    do {
                        inserted += try await archive.insert([event])
                        archived.append(entry)
                    } catch let error as PostgresError where error.isDataError {
                        rejected.append((entry, error.message))
                    }
                }
            }
        }
        for entry in archived { acknowledge[entry.stream, default: []].append(entry.id) }
        if !rejected.isEmpty { try await deadLetter(rejected) }
        if !acknowledge.isEmpty {
            let replies = try await redis.pipeline(acknowledge.map { stream, ids in
                [RESPArgument("XACK"), RESPArgument(stream.key), RESPArgument(configuration.group)] + ids.map { RESPArgument($0) }
            })
            for reply in replies { _ = try reply.get() }
        }
        failures.store(0, ordering: .relaxed)
        archivedCounter.increment(by: archived.count)
        state.withLock { state in
            state.acknowledged += archived.count
            state.inserted += inserted
            state.batches += 1
            state.lastError = nil
        }
    }

    /// Copies entries to `deadletter:{topic}` with the reason, then acknowledges them.
    private func deadLetter(_ rejected: [(entry: ArchiveEntry, reason: String)]) async throws {
        var commands: [[RESPArgument]] = []
        for (entry, reason) in rejected {
            let stream = entry.stream
            let command: [RESPArgument] = ["XADD", RESPArgument(TopicKeys(stream.topic).deadLetter), "*",
                                           "stream", RESPArgument(stream.key), "entry_id", RESPArgument(entry.id),
                                           "group", RESPArgument(configuration.group), "consumer", RESPArgument(configuration.consumer),
                                           "error", RESPArgument(reason), "deliveries", "1"]
            commands.append(command + entry.arguments)
            commands.append(["XACK", RESPArgument(stream.key), RESPArgument(configuration.group), RESPArgument(entry.id)])
            logger.error("entry cannot be archived; moved to the dead letters", metadata: [
                "event.stream": "\(stream.key)", "event.entry_id": "\(entry.id)", "error.message": "\(reason)",
            ])
        }
        for reply in try await redis.pipeline(commands) { _ = try reply.get() }
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
