import Logging
import ShopBasics
import ShopDomain
import ShopRedis

extension EventStore {
    /// The consumer name a replayed entry is handed to; any live consumer of the group claims it from there.
    public static let replayConsumer = "console-replay"

    /// Dead letters of `topics`, oldest first, at most `limit` per topic, of one group when `group` is given.
    public func deadLetters(topics: [Topic] = Topic.allCases, group: String? = nil, limit: Int) async throws -> [DeadLetter] {
        let replies = try await redis.pipeline(topics.map { topic in
            ["XRANGE", RESPArgument(TopicKeys(topic).deadLetter), "-", "+", "COUNT", RESPArgument(limit)]
        })
        var letters: [DeadLetter] = []
        for (topic, reply) in zip(topics, replies) {
            for entry in EventConsumer.entries(try reply.get()) {
                guard let fields = entry.fields else { continue }
                let letter = deadLetter(topic: topic, id: entry.id, fields: fields)
                if group == nil || letter.group == group { letters.append(letter) }
            }
        }
        return letters
    }

    /// One dead letter, or nil when `id` names none.
    public func deadLetter(topic: Topic, id: String) async throws -> DeadLetter? {
        let reply = try await redis.send("XRANGE", RESPArgument(TopicKeys(topic).deadLetter), RESPArgument(id), RESPArgument(id))
        guard let entry = EventConsumer.entries(reply).first, let fields = entry.fields else { return nil }
        return deadLetter(topic: topic, id: entry.id, fields: fields)
    }

    /// Hands dead letters back to their groups: each becomes a pending entry of its group again (with a fresh
    /// delivery count, idle long enough that a live consumer's next claim takes it) and leaves the dead letters,
    /// atomically. One whose entry has left its stream, or whose group is gone, stays where it is.
    public func replay(_ letters: [DeadLetter]) async throws -> DeadLetterReplay {
        var result = DeadLetterReplay()
        for letter in letters {
            let keys = [RESPArgument(TopicKeys(letter.topic).deadLetter), RESPArgument(letter.stream)]
            let reply: RESPValue
            do {
                reply = try await redis.evalSHA(Self.replayScript, keys: keys, arguments: [
                    RESPArgument(letter.id), RESPArgument(letter.group), RESPArgument(letter.entryID),
                    RESPArgument(Self.replayConsumer), RESPArgument(Self.replayIdleMilliseconds),
                ])
            } catch let error as EventStoreError where error.code == .refused(prefix: "NOGROUP") {
                result.unreplayable.append(letter.id)
                continue
            }
            switch reply.int {
            case 1: result.replayed += 1
            case -1: result.unreplayable.append(letter.id)
            default: break  // deleted or replayed meanwhile
            }
        }
        return result
    }

    /// Deletes one dead letter; false when there was none of that id.
    public func deleteDeadLetter(topic: Topic, id: String) async throws -> Bool {
        try await redis.send("XDEL", RESPArgument(TopicKeys(topic).deadLetter), RESPArgument(id)).int == 1
    }

    /// Removes the consumers of `group` on `stream` that hold no pending entry and have been idle longer than
    /// `idle`, except `keeping` (the caller); answers their names. Checked and removed in one script, so an entry
    /// delivered meanwhile is never dropped with its consumer.
    public static func forgetIdleConsumers(stream: String, group: String, idleLongerThan idle: Duration, keeping: String,
                                           on redis: some RedisCommandExecutor) async throws -> [String] {
        let reply = try await redis.evalSHA(forgetScript, keys: [RESPArgument(stream)], arguments: [
            RESPArgument(group), RESPArgument(Int(idle.milliseconds())), RESPArgument(keeping),
        ])
        return (reply.array ?? []).compactMap(\.string)
    }

    /// The same on each of `streams`, each consumer removed logged: what every long-lived reader of a group (the
    /// reacting services' consumers, the archiver) does at each claim round.
    public static func forgetIdleConsumers(of streams: [EventStreamID], group: String, idleLongerThan idle: Duration, keeping: String,
                                           on redis: some RedisCommandExecutor, logger: Logger) async throws {
        for stream in streams {
            let forgotten = try await forgetIdleConsumers(stream: stream.key, group: group, idleLongerThan: idle, keeping: keeping, on: redis)
            for name in forgotten {
                logger.info("removed an idle consumer from the group", metadata: ["event.stream": "\(stream.key)", "consumer.removed": "\(name)"])
            }
        }
    }

    /// An idle time far past any claim interval (`CONSUMER_CLAIM_IDLE_MS` is at most a day).
    static let replayIdleMilliseconds = 100 * 86_400_000

    private func deadLetter(topic: Topic, id: String, fields: [RESPValue]) -> DeadLetter {
        var named: [String: String] = [:]
        var index = 0
        while index + 1 < fields.count {
            if let name = fields[index].string, ["stream", "entry_id", "group", "consumer", "error", "deliveries"].contains(name) {
                named[name] = fields[index + 1].string
            }
            index += 2
        }
        let stream = named["stream"] ?? ""
        let entryID = named["entry_id"] ?? ""
        let event = TopicKeys.parse(stream: stream).flatMap { parsed in
            try? StoredEvent(topic: parsed.topic, action: parsed.action, entryID: entryID, fields: fields, maxEntitySize: maxEntitySize)
        }
        return DeadLetter(topic: topic, id: id, stream: stream, entryID: entryID, group: named["group"] ?? "",
                          consumer: named["consumer"] ?? "", error: named["error"] ?? "",
                          deliveries: named["deliveries"].flatMap { Int($0) } ?? 0, event: event)
    }

    /// KEYS: dead-letter stream, event stream; ARGV: dead letter id, group, entry id, consumer, idle ms.
    /// 1 replayed, 0 no such dead letter, -1 the entry is no longer in its stream.
    static let replayScript = RedisScript(#"""
    if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) == 0 then return 0 end
    if #redis.call('XRANGE', KEYS[2], ARGV[3], ARGV[3]) == 0 then return -1 end
    redis.call('XCLAIM', KEYS[2], ARGV[2], ARGV[4], 0, ARGV[3], 'IDLE', ARGV[5], 'RETRYCOUNT', 0, 'FORCE', 'JUSTID')
    redis.call('XDEL', KEYS[1], ARGV[1])
    return 1
    """#)

    /// KEYS: the stream; ARGV: group, idle limit ms, the consumer to keep. Answers the removed names.
    static let forgetScript = RedisScript(#"""
    local removed = {}
    for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
      local fields = {}
      for i = 1, #consumer, 2 do fields[consumer[i]] = consumer[i + 1] end
      if fields['name'] ~= ARGV[3] and tonumber(fields['pending']) == 0 and tonumber(fields['idle']) > tonumber(ARGV[2]) then
        redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], fields['name'])
        removed[#removed + 1] = fields['name']
      end
    end
    return removed
    """#)
}
