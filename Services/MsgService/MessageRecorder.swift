import Foundation
import ShopReactions
import ShopRedis

/// Records sent messages in the capped `messages` stream, once per key: one script does the check and the write,
/// so two concurrent deliveries of the same event cannot both record it.
struct MessageRecorder: Sendable {
    let redis: RedisClient
    /// The most entries the stream keeps (approximately: `MAXLEN ~`).
    let maxLength: Int
    /// How long a key is remembered; a repeat after that would be sent again.
    let keyLifetime: Duration

    /// The stream the gateway's `GET /messages` reads.
    static let stream = "messages"

    /// What became of a message.
    enum Outcome: Equatable {
        /// Recorded now, under this entry id.
        case sent(entryID: String)
        /// Its key had been recorded before (under this entry id): nothing was written.
        case duplicate(entryID: String)
    }

    /// The key remembering `key`, hash-tagged `{messages}` so it shares the stream's cluster slot.
    static func keyOfKey(_ key: String) -> String { "{messages}:key:\(key)" }

    /// Records `message` at `sentAt` (Unix seconds) unless its key was recorded already.
    func record(_ message: EmailMessage, sentAt: Int) async throws -> Outcome {
        try await record([message], sentAt: sentAt)[0]
    }

    /// Records `messages` in order, each unless its key was recorded already: one script call per message (each
    /// atomic), pipelined in one round trip.
    func record(_ messages: [EmailMessage], sentAt: Int) async throws -> [Outcome] {
        guard !messages.isEmpty else { return [] }
        let calls = messages.map { message in
            [RESPArgument(Self.stream), RESPArgument(Self.keyOfKey(message.key)),
             RESPArgument(message.to), RESPArgument(message.msg), RESPArgument(message.key), RESPArgument(sentAt),
             RESPArgument(maxLength), RESPArgument(Int(keyLifetime.components.seconds) * 1000)]
        }
        let replies = try await redis.evalSHA(Self.recordScript, keyCount: 2, pipelined: calls)
        return try replies.map { reply in
            guard let parts = reply.array, parts.count == 2, let flag = parts[0].int, let entryID = parts[1].string else {
                throw RedisClientError(.unexpectedReply, "record message: unexpected reply \(reply)")
            }
            return flag == 1 ? .sent(entryID: entryID) : .duplicate(entryID: entryID)
        }
    }

    /// KEYS: stream, key of the key. ARGV: to, msg, key, sent_at, max length, key lifetime (ms).
    /// Replies {1, new entry id} or {0, the entry id recorded earlier}.
    static let recordScript = RedisScript(#"""
    local earlier = redis.call('GET', KEYS[2])
    if earlier then return {0, earlier} end
    local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[5], '*',
                          'to', ARGV[1], 'msg', ARGV[2], 'key', ARGV[3], 'sent_at', ARGV[4])
    redis.call('SET', KEYS[2], id, 'PX', ARGV[6])
    return {1, id}
    """#)
}
