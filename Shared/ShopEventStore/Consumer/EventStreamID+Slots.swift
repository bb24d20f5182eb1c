import ShopRedis

extension EventStreamID {
    /// The streams a reader reads together: all of them on a single server (one `XREADGROUP`), and on a cluster
    /// those of one hash slot (one topic) each, since a command's keys must share a slot there. In the order given.
    public static func readTogether(_ streams: [EventStreamID], on redis: RedisClient) -> [[EventStreamID]] {
        guard redis.isCluster else { return streams.isEmpty ? [] : [streams] }
        var shares: [[EventStreamID]] = []
        var shareOfSlot: [RedisHashSlot: Int] = [:]
        for stream in streams {
            let slot = RedisHashSlot(key: stream.key)
            if let index = shareOfSlot[slot] {
                shares[index].append(stream)
            } else {
                shareOfSlot[slot] = shares.count
                shares.append([stream])
            }
        }
        return shares
    }

    /// Runs `follow` on each share of `readTogether(streams, on:)` at once (a single share in this task), until all
    /// have returned: on a cluster one reader per topic, each on a connection to its own topic's primary.
    public static func followEach(_ streams: [EventStreamID], on redis: RedisClient,
                                  _ follow: @escaping @Sendable ([EventStreamID]) async -> Void) async {
        let shares = readTogether(streams, on: redis)
        if shares.count == 1 {
            await follow(shares[0])
        } else {
            await withDiscardingTaskGroup { group in
                for share in shares { group.addTask { await follow(share) } }
            }
        }
    }
}
