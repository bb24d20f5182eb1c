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

    /// A fresh lowercase random (version 4) UUID for an event or an entity.
    ///
    /// Made from the system generator directly: Foundation's `UUID()` opens /dev/urandom on every call on Linux,
    /// which showed up as a tenth of the append benchmark's CPU.
    public static func makeEventID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: high >> (56 - 8 * index))
            bytes[8 + index] = UInt8(truncatingIfNeeded: low >> (56 - 8 * index))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40   // version 4
        bytes[8] = (bytes[8] & 0x3F) | 0x80   // RFC 4122 variant
        let hex = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
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
