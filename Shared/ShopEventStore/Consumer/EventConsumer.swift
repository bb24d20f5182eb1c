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
///
/// This file holds its life (groups, the read loop, reconnecting); `EventConsumer+Reading.swift` reads and handles a
/// batch, `EventConsumer+Claiming.swift` claims idle entries and keeps the group, `EventConsumer+DeadLetters.swift`
/// retries and dead-letters failed deliveries.
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
    let unblocker: ShutdownUnblocker
    let lagGauges: [EventStreamID: Gauge]
    let deadLettered: Counter

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
                logger.warning("consumer lost Redis; retrying", metadata: ["error.message": "\(error)"])
                let pause = backoff
                do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) } } catch { return }
                backoff = min(backoff * 2, .seconds(2))
                continue
            }
        }
    }

    var shouldStop: Bool { unblocker.isStopping || Task.isCancelled }

    func consume(_ streams: [EventStreamID], on connection: RedisConnection) async throws {
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
}
