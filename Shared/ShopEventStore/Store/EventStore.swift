import Foundation
import Logging
import ShopDomain
import ShopRedis

/// The event store: atomic appends that update the projection in the same script, typed queries on the
/// projection, replay, rebuild and verification, all on Redis (see DESIGN.md, Redis layout). It knows topics and
/// JSON, never an entity type; parts that write events with state of their own (the stock ledger) bring a
/// `TopicScript`.
///
/// A value type holding the client; copy it freely. Every failure, Redis's included, is an `EventStoreError`.
///
/// Layout decisions (keys in `TopicKeys`): projection hash values and list items are JSON text (`name` → `"Alice"`,
/// `price` → `10`), so reads concatenate them into entity JSON without decoding. Beyond the design's keys, each
/// topic has `{topic}_clock` (last entry id and creation counter) and `{topic}_unique:<field>` (unique value → id).
public struct EventStore: Sendable {
    /// The Redis client (pooled client or a leased connection).
    public let redis: any RedisCommandExecutor
    /// Entities whose JSON is longer than this many bytes are stored gzip-compressed (`enc=gzip`).
    public let compressionThreshold: Int
    /// The largest entity JSON a stored entry may inflate to; a bigger (or hostile) entry is a corrupt event.
    public let maxEntitySize: Int
    /// Where the store (and parts built on it, such as the stock ledger) log.
    public let logger: Logger
    let metrics: EventStoreMetrics

    /// A store on the given client; `compressionThreshold` is `EVENT_COMPRESSION_THRESHOLD`.
    public init(redis: any RedisCommandExecutor, logger: Logger, compressionThreshold: Int = 1024,
                maxEntitySize: Int = 16 << 20) {
        self.redis = redis is StoreRedis ? redis : StoreRedis(base: redis)
        self.logger = logger
        self.compressionThreshold = compressionThreshold
        self.maxEntitySize = maxEntitySize
        self.metrics = EventStoreMetrics()
    }

    /// The arguments every script starts with: key base, unique field, list fields.
    static func scriptPrefix(base: String, schema: TopicSchema) -> [RESPArgument] {
        [RESPArgument(base), RESPArgument(schema.uniqueField ?? ""), RESPArgument(schema.listFields.count)]
            + schema.listFields.map { RESPArgument($0) }
    }

    /// The keys every script starts with: the three streams, ids, versions, clock.
    static func scriptKeys(_ keys: TopicKeys) -> [RESPArgument] {
        keys.streams.map { RESPArgument($0) } + [RESPArgument(keys.ids), RESPArgument(keys.versions), RESPArgument(keys.clock)]
    }

    /// Runs a store script; its typed error replies arrive as `EventStoreError` (see `StoreRedis`). A script that
    /// writes (`writes`, the default) counts only once the replicas the client asks for hold it (`evalSHAReplicated`).
    func run(_ script: RedisScript, keys: [RESPArgument], arguments: [RESPArgument], writes: Bool = true) async throws -> RESPValue {
        do {
            if writes { return try await redis.evalSHAReplicated(script, keys: keys, arguments: arguments) }
            return try await redis.evalSHA(script, keys: keys, arguments: arguments)
        } catch let error as RedisServerError {
            throw StoreRedis.translate(RedisServerError(prefix: "SCRIPT", message: "\(error)"))
        }
    }
}
