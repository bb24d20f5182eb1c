import Foundation
import Logging
import ShopDomain
import ShopRedis

/// The event store: atomic appends that update the projection in the same script, typed queries on the
/// projection, stock reservations, replay, rebuild and verification, all on Redis (see DESIGN.md, Redis layout).
///
/// A value type holding the client; copy it freely. Store failures throw `EventStoreError`; Redis
/// connection failures throw the client's errors unchanged.
///
/// Layout decisions (keys in `TopicKeys`): projection hash values and list items are JSON text (`name` → `"Alice"`,
/// `price` → `10`), so reads concatenate them into entity JSON without decoding. Beyond the design's keys, each
/// topic has `{topic}_clock` (last entry id and creation counter), `{topic}_unique:<field>` (unique value → id),
/// and the inventory topic `{inventory}_reservations` / `{inventory}_reservation:<order>`.
public struct EventStore: Sendable {
    /// The Redis client (pooled client or a leased connection).
    public let redis: any RedisCommandExecutor
    /// Entities whose JSON is longer than this many bytes are stored gzip-compressed (`enc=gzip`).
    public let compressionThreshold: Int
    /// The largest entity JSON a stored entry may inflate to; a bigger (or hostile) entry is a corrupt event.
    public let maxEntitySize: Int
    let logger: Logger
    let metrics: EventStoreMetrics

    /// A store on the given client; `compressionThreshold` is `EVENT_COMPRESSION_THRESHOLD`.
    public init(redis: any RedisCommandExecutor, logger: Logger, compressionThreshold: Int = 1024,
                maxEntitySize: Int = 16 << 20) {
        self.redis = redis
        self.logger = logger
        self.compressionThreshold = compressionThreshold
        self.maxEntitySize = maxEntitySize
        self.metrics = EventStoreMetrics()
    }

    static var jsonDecoder: JSONDecoder { JSONDecoder() }
    static var jsonEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
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

    /// Runs a store script, turning its typed error replies into `EventStoreError`. A script that writes
    /// (`writes`, the default) counts only once the replicas the client asks for hold it (`evalSHAReplicated`).
    func run(_ script: RedisScript, keys: [RESPArgument], arguments: [RESPArgument], writes: Bool = true) async throws -> RESPValue {
        do {
            if writes { return try await redis.evalSHAReplicated(script, keys: keys, arguments: arguments) }
            return try await redis.evalSHA(script, keys: keys, arguments: arguments)
        } catch let error as RedisServerError {
            if let storeError = EventStoreError.fromScript(error) { throw storeError }
            throw error
        }
    }
}
