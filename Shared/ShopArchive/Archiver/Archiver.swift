import Logging
import Metrics
import NIOCore
import ServiceLifecycle
import ShopBasics
import ShopDomain
import ShopEventStore
import ShopPostgres
import ShopRedis
import Synchronization

/// Copies every event stream into PostgreSQL: consumer group `archive`, batches of up to N entries or T ms,
/// one multi-row insert per batch (`ON CONFLICT DO NOTHING`), XACK only after the COMMIT.
///
/// When PostgreSQL or Redis fails it backs off and starts over from its own pending entries, so an entry is
/// acknowledged only once it is in PostgreSQL, and a crash or kill anywhere leaves at worst a re-insert, which
/// the event id's primary key turns into a no-op.
public final class Archiver: Service, Sendable {
    public let configuration: ArchiveConfiguration
    /// The streams followed: the three of every topic.
    public let streams: [EventStreamID]
    let streamsByKey: [String: EventStreamID]
    let redis: RedisClient
    let archive: EventArchive
    let logger: Logger
    private let unblocker: ShutdownUnblocker
    let state = Mutex(ArchiverStatus())
    let archivedCounter = Counter(label: "archive_events_total")
    let deadLetterCounter = Counter(label: "events_dead_lettered_total", dimensions: [("group", "archive")])

    /// An archiver of `streams` (every topic's by default) into `archive`.
    public init(redis: RedisClient, archive: EventArchive, configuration: ArchiveConfiguration = ArchiveConfiguration(),
                streams: [EventStreamID] = EventStreamID.all(of: Topic.allCases), logger: Logger) {
        self.redis = redis
        self.unblocker = ShutdownUnblocker(logger: logger)
        self.archive = archive
        self.configuration = configuration
        self.streams = streams
        self.streamsByKey = Dictionary(streams.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var logger = logger
        logger[metadataKey: "consumer.group"] = "\(configuration.group)"
        self.logger = logger
    }

    /// What it has done since start.
    public var status: ArchiverStatus { state.withLock { $0 } }

    /// Archives until graceful shutdown (finishing the batch at hand; a read blocked in Redis returns at once) or
    /// cancellation.
    public func run() async throws {
        guard !streams.isEmpty else { return }
        await unblocker.run {
            // Migrations first and once: on a cluster several readers start together, and each taking the
            // migration lock with a pooled connection of its own could starve the one that holds it.
            guard await self.migrateOnce() else { return }
            await EventStreamID.followEach(self.streams, on: self.redis) { await self.follow($0) }
        }
    }

    /// Applies the archive's migrations, retrying with backoff while PostgreSQL is away; false when stopped first.
    private func migrateOnce() async -> Bool {
        while !shouldStop {
            do {
                try await archive.migrate()
                return true
            } catch {
                guard await pause(after: error, "migrating the archive failed; retrying") else { return false }
            }
        }
        return false
    }

    /// Archives `streams` (one hash slot's on a cluster) on a dedicated connection, starting over after failures.
    private func follow(_ streams: [EventStreamID]) async {
        while !shouldStop {
            do {
                try await redis.withDedicatedConnection(forKey: streams[0].key) { connection in
                    try await self.archive(streams, on: connection)
                }
            } catch {
                guard await pause(after: error, "archiving failed; retrying") else { return }
            }
        }
    }

    /// Records a failure and waits out the backoff; false when stopping (nothing to retry).
    private func pause(after error: any Error, _ message: Logger.Message) async -> Bool {
        if shouldStop || error is CancellationError { return false }
        state.withLock { $0.lastError = "\(error)" }
        let pause = nextBackoff()
        logger.warning(message, metadata: ["error.message": "\(error)", "archive.retry_in": "\(pause)"])
        do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) } } catch { return false }
        return true
    }

    var shouldStop: Bool { unblocker.isStopping || Task.isCancelled }

    /// Failures in a row, for the backoff.
    let failures = Atomic<Int>(0)

    /// Doubles from `minBackoff` up to `maxBackoff` with each failure in a row; a committed batch resets it.
    private func nextBackoff() -> Duration {
        let count = failures.add(1, ordering: .relaxed).newValue
        var pause = configuration.minBackoff
        for _ in 1..<min(count, 20) where pause < configuration.maxBackoff { pause *= 2 }
        return min(pause, configuration.maxBackoff)
    }

    /// One connected session: our pending entries first (left by a crash or a failed batch), then new ones.
    private func archive(_ streams: [EventStreamID], on connection: RedisConnection) async throws {
        for stream in streams {
            try await connection.xgroupCreate(stream.key, group: configuration.group, id: "0", mkstream: true)
        }
        let clientID = try await ShutdownUnblocker.clientID(of: connection)
        while !shouldStop {
            let pending = try await read(streams, on: connection, position: "0", count: configuration.batchSize, block: nil, clientID: clientID)
            if pending.isEmpty { break }
            try await write(pending)
        }
        // Batches are written by up to `concurrentWrites` tasks while this one reads the next: each acknowledges
        // only its own entries after its own COMMIT, so their order does not matter.
        try await withThrowingTaskGroup(of: Void.self) { writers in
            var writing = 0
            let clock = ContinuousClock()
            var nextClaim = clock.now
            var buffer: [ArchiveEntry] = []
            var deadline: ContinuousClock.Instant?
            while !shouldStop {
                if buffer.isEmpty, clock.now >= nextClaim {
                    try await claimAbandoned(streams, on: connection)
                    try await EventStore.forgetIdleConsumers(of: streams, group: configuration.group, idleLongerThan: configuration.forgetIdle,
                                                             keeping: configuration.consumer, on: connection, logger: logger)
                    nextClaim = clock.now + configuration.claimIdle / 2
                }
                if let due = deadline {
                    // The batch waits until it is due anyway: sleep until then and take what came meanwhile in one
                    // read, rather than waking for every new entry.
                    try? await Task.sleep(until: due, clock: clock)
                    if shouldStop { break }
                    buffer += try await read(streams, on: connection, position: ">", count: configuration.batchSize - buffer.count, block: nil, clientID: clientID)
                } else {
                    buffer += try await read(streams, on: connection, position: ">", count: configuration.batchSize, block: configuration.idleBlock, clientID: clientID)
                }
                if !buffer.isEmpty, deadline == nil { deadline = clock.now + configuration.batchDelay }
                guard let due = deadline, buffer.count >= configuration.batchSize || clock.now >= due else { continue }
                if writing >= configuration.concurrentWrites {
                    try await writers.next()
                    writing -= 1
                }
                let batch = buffer
                writers.addTask { try await self.write(batch) }
                writing += 1
                buffer.removeAll(keepingCapacity: true)
                deadline = nil
            }
            // Stopping: what was read is pending in Redis anyway; writing it now just saves the next start a re-read.
            if !buffer.isEmpty { try await write(buffer) }
            try await writers.waitForAll()
        }
    }

    /// One XREADGROUP over `streams`.
    private func read(_ streams: [EventStreamID], on connection: RedisConnection, position: String, count: Int, block: Duration?,
                      clientID: Int) async throws -> [ArchiveEntry] {
        guard let reply = try await unblocker.readGroup(configuration.group, consumer: configuration.consumer,
                                                        count: max(min(count, configuration.readCount), 1), streams: streams,
                                                        from: position, block: block, on: connection, clientID: clientID)
        else { return [] }
        return ArchiveEntry.read(reply, streams: streamsByKey)
    }

    /// Takes over entries that another consumer of the group (an archiver under another name) left pending.
    private func claimAbandoned(_ streams: [EventStreamID], on connection: RedisConnection) async throws {
        for stream in streams {
            var start = "0-0"
            repeat {
                let reply = try await connection.send(
                    "XAUTOCLAIM", RESPArgument(stream.key), RESPArgument(configuration.group), RESPArgument(configuration.consumer),
                    RESPArgument(Int(configuration.claimIdle.milliseconds())), RESPArgument(start),
                    "COUNT", RESPArgument(configuration.readCount))
                guard let parts = reply.array, parts.count >= 2, let next = parts[0].string else { break }
                let claimed = ArchiveEntry.entries(parts[1], of: stream)
                if !claimed.isEmpty {
                    logger.info("claimed abandoned entries", metadata: ["event.stream": "\(stream.key)", "archive.claimed": "\(claimed.count)"])
                    try await write(claimed)
                }
                start = next
            } while start != "0-0" && !shouldStop
        }
    }
}
