import ShopDomain
import ShopRedis

extension EventStore {
    /// Streams (length, first/last id, memory), their groups (lag, pending, consumers and idle time),
    /// dead-letter counts and the archive's trim reports, in four pipelined round trips.
    public func status() async throws -> StoreStatus {
        let names = Topic.allCases.flatMap { topic in TopicKeys(topic).streams + [TopicKeys(topic).deadLetter] }
        let infos = try await redis.pipeline(names.map { ["XINFO", "STREAM", RESPArgument($0)] })
        let existing = zip(names, infos).compactMap { name, info -> (String, RESPValue)? in
            guard case .success(let value) = info else { return nil }  // no such stream yet
            return (name, value)
        }
        var commands: [[RESPArgument]] = []
        for (name, _) in existing {
            commands.append(["MEMORY", "USAGE", RESPArgument(name)])
            commands.append(["XINFO", "GROUPS", RESPArgument(name)])
        }
        let details = try await redis.pipeline(commands)
        var streams: [StreamStatus] = []
        var consumerQueries: [(stream: Int, group: Int, command: [RESPArgument])] = []
        for (index, (name, info)) in existing.enumerated() {
            let fields = Self.dictionary(info)
            var stream = StreamStatus(name: name, length: fields["length"]?.int ?? 0,
                                      firstEntryID: fields["first-entry"]?.array?.first?.string,
                                      lastEntryID: fields["last-entry"]?.array?.first?.string,
                                      memoryBytes: (try? details[2 * index].get())?.int, groups: [])
            for group in (try? details[2 * index + 1].get())?.array ?? [] {
                let groupFields = Self.dictionary(group)
                guard let groupName = groupFields["name"]?.string else { continue }
                stream.groups.append(GroupStatus(name: groupName, lag: groupFields["lag"]?.int,
                                                 pending: groupFields["pending"]?.int ?? 0,
                                                 lastDeliveredID: groupFields["last-delivered-id"]?.string ?? "0-0",
                                                 consumers: []))
                consumerQueries.append((streams.count, stream.groups.count - 1,
                                        ["XINFO", "CONSUMERS", RESPArgument(name), RESPArgument(groupName)]))
            }
            streams.append(stream)
        }
        if !consumerQueries.isEmpty {
            let replies = try await redis.pipeline(consumerQueries.map(\.command))
            for (query, reply) in zip(consumerQueries, replies) {
                streams[query.stream].groups[query.group].consumers = ((try? reply.get())?.array ?? []).compactMap { consumer in
                    let fields = Self.dictionary(consumer)
                    guard let name = fields["name"]?.string else { return nil }
                    return ConsumerStatus(name: name, pending: fields["pending"]?.int ?? 0, idleMilliseconds: fields["idle"]?.int ?? 0)
                }
            }
        }
        var deadLetters: [String: Int] = [:]
        for topic in Topic.allCases {
            deadLetters[topic.rawValue] = streams.first { $0.name == TopicKeys(topic).deadLetter }?.length ?? 0
        }
        return StoreStatus(streams: streams, deadLetters: deadLetters, trimming: try await archiveTrimReports())
    }

    /// A RESP2 flat array or RESP3 map of text keys as a dictionary.
    static func dictionary(_ value: RESPValue) -> [String: RESPValue] {
        var result: [String: RESPValue] = [:]
        for pair in value.pairs ?? [] {
            if let key = pair.key.string { result[key] = pair.value }
        }
        return result
    }
}
