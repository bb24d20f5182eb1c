import Foundation
import Logging
import Metrics
import NIOCore
import ServiceLifecycle
import ShopRedis
import Synchronization

/// A member of a consumer group following event streams: a `Service` whose `run()` lives until shutdown.
///
/// It creates its groups (from `0`) if missing, re-reads its own pending entries first, then new ones with
/// BLOCK on a dedicated connection, acknowledges only after the handler succeeded, claims entries other
/// consumers left idle (XAUTOCLAIM) and moves an entry that failed `maxDeliveries` times to
/// `deadletter:{topic}`. Handlers must be idempotent: use `event.eventID` with `Idempotency`.
///
/// In a `ServiceGroup`, list it after the `RedisClient` (started after it, stopped before it). On graceful
/// shutdown it finishes the entry at hand (a batch handler: the batch at hand) and returns; a read blocked in Redis
/// is ended at once (`ShutdownUnblocker`). Entries it did not reach stay pending for its next start (same name) or
/// for another consumer's claim.
public final class EventConsumer: Service, Sendable {
    /// The group, named after the service.
    public let group: String
    /// This member, named by host and pid.
    public let consumer: String
    /// The streams followed.
    public let streams: [EventStreamID]
    let configuration: ConsumerConfiguration
    let redis: RedisClient
    let logger: Logger
    let handling: Handling
    private let unblocker: ShutdownUnblocker
    private let lagGauges: [EventStreamID: Gauge]
    private let deadLettered: Counter

    /// How events reach the service's code.
    enum Handling {
        case each(@Sendable (StoredEvent) async throws -> Void)
        case batch(@Sendable ([StoredEvent]) async throws -> [BatchResult])
    }

    /// What a batch handler made of one event of its batch.
    public enum BatchResult: Sendable {
        /// Done: the entry is acknowledged.
        case handled
        /// Failed: retried later, dead-lettered after `maxDeliveries`.
        case failed(any Error)
        /// Not attempted (stopping): the entry stays pending for the next start.
        case notReached
    }

    /// A consumer of `streams` in `group`; `handler` runs once per delivery, in stream order per stream.
    public convenience init(redis: RedisClient, group: String, consumer: String = EventConsumer.defaultName(),
                            streams: [EventStreamID], configuration: ConsumerConfiguration = ConsumerConfiguration(),
                            logger: Logger, handler: @escaping @Sendable (StoredEvent) async throws -> Void) {
        self.init(redis: redis, group: group, consumer: consumer, streams: streams, configuration: configuration,
                  logger: logger, handling: .each(handler))
    }

    /// A consumer that hands each read's events of a stream to `batchHandler` at once, in stream order, so it can
    /// pipeline its work (look entities up together, send one request); it answers one result per event, in order.
    /// A thrown error other than cancellation counts as the failure of every event of the batch.
    public convenience init(redis: RedisClient, group: String, consumer: String = EventConsumer.defaultName(),
                            streams: [EventStreamID], configuration: ConsumerConfiguration = ConsumerConfiguration(),
                            logger: Logger, batchHandler: @escaping @Sendable ([StoredEvent]) async throws -> [BatchResult]) {
        self.init(redis: redis, group: group, consumer: consumer, streams: streams, configuration: configuration,
                  logger: logger, handling: .batch(batchHandler))
    }

    private init(redis: RedisClient, group: String, consumer: String, streams: [EventStreamID],
                 configuration: ConsumerConfiguration, logger: Logger, handling: Handling) {
        self.redis = redis
        self.unblocker = ShutdownUnblocker(logger: logger)
        self.group = group
        self.consumer = consumer
        self.streams = streams
        self.configuration = configuration
        self.handling = handling
        var logger = logger
        logger[metadataKey: "consumer.group"] = "\(group)"
        logger[metadataKey: "consumer.name"] = "\(consumer)"
        self.logger = logger
        self.lagGauges = Dictionary(uniqueKeysWithValues: streams.map {
            ($0, Gauge(label: "consumer_lag", dimensions: [("group", group), ("stream", $0.key)]))
        })
        self.deadLettered = Counter(label: "events_dead_lettered_total", dimensions: [("group", group)])
    }

    /// `host-pid`: unique per process, stable for its life, so a restarted process is a new consumer.
    public static func defaultName() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// Consumes until graceful shutdown (finishing the entry at hand; a read blocked in Redis returns at once) or
    /// cancellation; reconnects after Redis failures with backoff.
    public func run() async throws {
        guard !streams.isEmpty else { return }
        await unblocker.run {
            await EventStreamID.followEach(self.streams, on: self.redis) { await self.follow($0) }
        }
    }

    /// Consumes `streams` (one hash slot's on a cluster) on a dedicated connection, reconnecting after failures.
    private func follow(_ streams: [EventStreamID]) async {
        var backoff = Duration.milliseconds(100)
        while !shouldStop {
            do {
                try await redis.withDedicatedConnection(forKey: streams[0].key) { connection in
                    try await self.consume(streams, on: connection)
                }
            } catch {
                if shouldStop || error is CancellationError { return }
                logger.warning("consumer lost Redis; retrying", metadata: ["error": "\(error)"])
                let pause = backoff
                do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) } } catch { return }
                backoff = min(backoff * 2, .seconds(2))
                continue
            }
        }
    }

    var shouldStop: Bool { unblocker.isStopping || Task.isCancelled }

    private func consume(_ streams: [EventStreamID], on connection: RedisConnection) async throws {
        for stream in streams {
            do {
                _ = try await connection.send("XGROUP", "CREATE", RESPArgument(stream.key), RESPArgument(group), "0", "MKSTREAM")
            } catch let error as RedisServerError where error.prefix == "BUSYGROUP" {
                // The group exists: keep its position.
            }
        }
        let clientID = try await ShutdownUnblocker.clientID(of: connection)
        let clock = ContinuousClock()
        var nextClaim = clock.now
        var pendingDue = true          // our own pending entries come first (a restart after a crash)
        var retryAt = clock.now
        while !shouldStop {
            if clock.now >= nextClaim {
                try await claimIdleEntries(of: streams, on: connection)
                try await recordLag(of: streams, on: connection)
                try await forgetIdleConsumers(of: streams, on: connection)
                nextClaim = clock.now + configuration.claimIdle / 2
            }
            if pendingDue, clock.now >= retryAt {
                let pass = try await readAndHandle(streams, on: connection, from: "0", block: nil, clientID: clientID)
                pendingDue = pass.failed || pass.read == configuration.batchSize
                if pass.failed { retryAt = clock.now + configuration.retryDelay }
            }
            guard !shouldStop else { return }
            let wait = pendingDue ? min(configuration.block, configuration.retryDelay) : configuration.block
            let pass = try await readAndHandle(streams, on: connection, from: ">", block: wait, clientID: clientID)
            if pass.failed {
                pendingDue = true
                retryAt = clock.now + configuration.retryDelay
            } else if (1..<configuration.batchSize).contains(pass.read), configuration.linger != .zero, !shouldStop {
                try? await Task.sleep(for: configuration.linger)
            }
        }
    }

    /// Reads one batch (`0`: our pending entries; `>`: new ones) and handles it; reports whether any failed.
    private func readAndHandle(_ streams: [EventStreamID], on connection: RedisConnection, from position: String,
                               block: Duration?, clientID: Int) async throws -> (read: Int, failed: Bool) {
        var command: [RESPArgument] = ["XREADGROUP", "GROUP", RESPArgument(group), RESPArgument(consumer),
                                       "COUNT", RESPArgument(configuration.batchSize)]
        if let block { command += ["BLOCK", RESPArgument(Int(block.milliseconds(atLeast: 1)))] }
        command.append("STREAMS")
        command += streams.map { RESPArgument($0.key) }
        command += streams.map { _ in RESPArgument(position) }
        let reply: RESPValue
        if let block {
            let blockFor = TimeAmount.milliseconds(block.milliseconds(atLeast: 1))
            guard let answer = try await unblocker.sendBlocking(command, blockFor: blockFor, on: connection, clientID: clientID) else {
                return (0, false)
            }
            reply = answer
        } else {
            reply = try await connection.send(command)
        }
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

    /// Claims entries idle longer than `claimIdle` from any consumer of the group, and handles them.
    private func claimIdleEntries(of streams: [EventStreamID], on connection: some RedisCommandExecutor) async throws {
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
                    logger.info("claimed an idle entry", metadata: ["stream": "\(stream.key)", "entry.id": "\(entry.id)"])
                }
                for (id, outcome) in try await handle(claimed, of: stream, on: connection) where outcome == .acknowledge {
                    acknowledgements.add(id, of: stream)
                }
                try await acknowledgements.send(group: group, on: connection)
                cursor = next
            } while cursor != "0-0" && !shouldStop
        }
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
    private func handle(_ entries: [(id: String, fields: [RESPValue]?)], of stream: EventStreamID,
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
    private func run(_ events: [StoredEvent]) async throws -> [BatchResult] {
        switch handling {
        case .each(let handler):
            var results: [BatchResult] = []
            for event in events {
                guard !shouldStop else {
                    results.append(.notReached)
                    continue
                }
                do {
                    try await handler(event)
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

    /// A failed delivery: dead-lettered once it has been delivered `maxDeliveries` times, else retried.
    private func failed(_ id: String, fields: [RESPValue], event: StoredEvent, error: any Error, of stream: EventStreamID,
                        on connection: some RedisCommandExecutor) async throws -> Outcome {
        if error is CancellationError || Task.isCancelled { throw error }
        let deliveries = try await deliveryCount(of: id, in: stream, on: connection)
        if deliveries >= configuration.maxDeliveries {
            try await deadLetter(id, fields: fields, of: stream, error: "\(error)", deliveries: deliveries, on: connection)
            return .settled
        }
        logger.warning("handler failed; will retry", metadata: [
            "stream": "\(stream.key)", "entry.id": "\(id)", "event.id": "\(event.eventID)",
            "event.deliveries": "\(deliveries)", "error": "\(error)",
        ])
        return .retry
    }

    private func deliveryCount(of id: String, in stream: EventStreamID, on connection: some RedisCommandExecutor) async throws -> Int {
        let reply = try await connection.send("XPENDING", RESPArgument(stream.key), RESPArgument(group), RESPArgument(id), RESPArgument(id), "1")
        return reply.array?.first?.array?.dropFirst(3).first?.int ?? 1
    }

    private func deadLetter(_ id: String, fields: [RESPValue], of stream: EventStreamID, error: String, deliveries: Int,
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
            "stream": "\(stream.key)", "entry.id": "\(id)", "event.deliveries": "\(deliveries)", "error": "\(error)",
        ])
    }

    /// Records the group's lag per stream (entries not yet delivered to it).
    private func recordLag(of streams: [EventStreamID], on connection: some RedisCommandExecutor) async throws {
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
    private func forgetIdleConsumers(of streams: [EventStreamID], on connection: some RedisCommandExecutor) async throws {
        for stream in streams {
            let forgotten = try await EventStore.forgetIdleConsumers(
                stream: stream.key, group: group, idleLongerThan: configuration.forgetIdle, keeping: consumer, on: connection)
            for name in forgotten {
                logger.info("removed an idle consumer from the group", metadata: ["stream": "\(stream.key)", "consumer.removed": "\(name)"])
            }
        }
    }

    /// Copies the entry to the dead-letter stream and acknowledges it, atomically (same slot).
    static let deadLetterScript = RedisScript(#"""
    redis.call('XADD', KEYS[1], '*', unpack(ARGV, 3))
    return redis.call('XACK', KEYS[2], ARGV[1], ARGV[2])
    """#)

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
