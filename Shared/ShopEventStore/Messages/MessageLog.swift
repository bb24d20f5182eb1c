import NIOCore
import ShopDomain
import ShopRedis

/// The messages msg-service sent, in the capped `messages` stream: msg-service records them (once per key, one
/// script doing the checks and the writes, so two deliveries of the same event cannot both record it) and the
/// gateway's `GET /messages` reads them. The one place that knows the stream and its script.
public struct MessageLog: Sendable {
    /// The stream, shared by msg-service and the gateway.
    public static let stream = "messages"

    let redis: any RedisCommandExecutor
    /// The most entries the stream keeps (approximately: `MAXLEN ~`).
    let maxLength: Int
    /// How long a key is remembered; a repeat after that would be sent again.
    let keyLifetime: Duration

    /// The log in `store`'s Redis.
    public init(store: EventStore, maxLength: Int = 100_000, keyLifetime: Duration = .seconds(7 * 24 * 3600)) {
        self.redis = store.redis
        self.maxLength = maxLength
        self.keyLifetime = keyLifetime
    }

    /// What became of a message.
    public enum Outcome: Sendable, Equatable {
        /// Recorded now, under this entry id.
        case sent(entryID: String)
        /// Its key had been recorded before (under this entry id): nothing was written.
        case duplicate(entryID: String)
    }

    /// One recorded message as the log holds it; `sentAt` is the text msg-service wrote (Unix seconds); the ids are
    /// nil for messages of senders before them.
    public struct Entry: Sendable, Equatable {
        public var to: String
        public var msg: String
        public var key: String
        public var sentAt: String
        public var correlationID: String?
        public var causationID: String?
        /// The stream entry id (the causation tree names a message by it).
        public var entryID: String

        init(_ entry: StreamEntry) {
            to = entry.string("to") ?? ""
            msg = entry.string("msg") ?? ""
            key = entry.string("key") ?? ""
            sentAt = entry.string("sent_at") ?? ""
            correlationID = entry.string("correlation_id")
            causationID = entry.string("causation_id")
            entryID = entry.id
        }
    }

    /// The key remembering `key`, hash-tagged `{messages}` so it shares the stream's cluster slot.
    static func keyOfKey(_ key: String) -> String { "{messages}:key:\(key)" }

    /// The list of the entry ids of one correlation's messages (the gateway's causation tree reads it).
    static func correlationKey(_ correlationID: String) -> String { "{messages}:correlation:\(correlationID)" }

    /// Records `messages` in order, each unless its key was recorded already (an earlier message of the same batch
    /// included): one script call for the whole batch, atomic.
    public func record(_ messages: [EmailMessage], sentAt: Int) async throws -> [Outcome] {
        guard !messages.isEmpty else { return [] }
        var keys = [RESPArgument(Self.stream)]
        var arguments = [RESPArgument(sentAt), RESPArgument(maxLength), RESPArgument(Int(keyLifetime.components.seconds) * 1000)]
        for message in messages {
            keys.append(RESPArgument(Self.keyOfKey(message.key)))
            keys.append(RESPArgument(Self.correlationKey(message.correlationID ?? "")))
            arguments += [RESPArgument(message.to), RESPArgument(message.msg), RESPArgument(message.key),
                          RESPArgument(message.correlationID ?? ""), RESPArgument(message.causationID ?? "")]
        }
        let reply = try await redis.evalSHA(Self.recordScript, keys: keys, arguments: arguments)
        guard let parts = reply.array, parts.count == 2 * messages.count else {
            throw EventStoreError(.unexpectedReply, "record messages: unexpected reply \(reply)")
        }
        return try (0..<messages.count).map { index in
            guard let flag = parts[2 * index].int, let entryID = parts[2 * index + 1].string else {
                throw EventStoreError(.unexpectedReply, "record messages: unexpected reply \(reply)")
            }
            return flag == 1 ? .sent(entryID: entryID) : .duplicate(entryID: entryID)
        }
    }

    /// The oldest `limit` messages, oldest first.
    public func read(limit: Int) async throws -> [Entry] {
        try await redis.xrange(Self.stream, count: limit).map(Entry.init)
    }

    /// The first `limit` messages of one correlation, as recorded (those still in the capped stream).
    public func messages(correlation: String, limit: Int) async throws -> [Entry] {
        let ids = try await redis.lrange(Self.correlationKey(correlation), start: 0, stop: limit - 1)
        var messages: [Entry] = []
        for id in ids {
            let text = String(buffer: id)
            messages += try await redis.xrange(Self.stream, start: text, end: text).map(Entry.init)
        }
        return messages
    }

    /// KEYS: the stream, then per message the key of its key and its correlation's list. ARGV: sent_at, max length,
    /// key lifetime (ms), then per message: to, msg, key, correlation id, causation id (the ids may be empty: such an
    /// entry is what senders before them recorded). Replies per message {1, new entry id} or {0, the entry id recorded
    /// earlier}. A correlation's list lives as long as the keys do.
    static let recordScript = RedisScript(#"""
    local replies = {}
    for m = 1, (#KEYS - 1) / 2 do
      local a = 3 + 5 * (m - 1)
      local key_of_key, by_correlation = KEYS[2 * m], KEYS[2 * m + 1]
      local earlier = redis.call('GET', key_of_key)
      if earlier then
        replies[#replies + 1] = 0
        replies[#replies + 1] = earlier
      else
        local correlation, causation = ARGV[a + 4], ARGV[a + 5]
        local id
        if correlation == '' then
          id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*',
                          'to', ARGV[a + 1], 'msg', ARGV[a + 2], 'key', ARGV[a + 3], 'sent_at', ARGV[1])
        else
          id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'to', ARGV[a + 1], 'msg', ARGV[a + 2],
                          'key', ARGV[a + 3], 'sent_at', ARGV[1], 'correlation_id', correlation, 'causation_id', causation)
          redis.call('RPUSH', by_correlation, id)
          redis.call('PEXPIRE', by_correlation, ARGV[3])
        end
        redis.call('SET', key_of_key, id, 'PX', ARGV[3])
        replies[#replies + 1] = 1
        replies[#replies + 1] = id
      end
    end
    return replies
    """#)
}
