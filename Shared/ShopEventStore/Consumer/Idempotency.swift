import ShopBasics
import ShopRedis

/// Makes an effect happen once per key (an event id): `once` claims the key with SET NX and an expiry.
///
/// Call `once` before the effect and skip it when false; if the effect then fails, `forget` the key so the
/// redelivered event can try again.
public struct Idempotency: Sendable {
    let redis: any RedisCommandExecutor
    /// Keys live under `idempotency:<namespace>:`; use the service name.
    public let namespace: String

    /// Idempotency keys of one service.
    public init(redis: any RedisCommandExecutor, namespace: String) {
        self.redis = redis
        self.namespace = namespace
    }

    /// True the first time a key is seen within `ttl`; false for every repeat.
    public func once(key: String, ttl: Duration = .seconds(7 * 24 * 3600)) async throws -> Bool {
        let reply = try await redis.send("SET", RESPArgument(redisKey(key)), "1", "NX", "PX", RESPArgument(Int(ttl.milliseconds(atLeast: 1))))
        return !reply.isNull
    }

    /// Releases a key, so the effect may happen again (after the effect failed).
    public func forget(key: String) async throws {
        _ = try await redis.send("DEL", RESPArgument(redisKey(key)))
    }

    func redisKey(_ key: String) -> String { "idempotency:\(namespace):\(key)" }
}
