/// Which primary serves each hash slot, as one node reported it with `CLUSTER SHARDS` (or `CLUSTER SLOTS`).
/// A value: the client keeps the current one and replaces it on a refresh; `MOVED` patches a single slot.
public struct RedisClusterTopology: Sendable, Equatable {
    /// A primary, its replicas and the slot ranges it serves.
    public struct Shard: Sendable, Equatable {
        public var slots: [ClosedRange<Int>]
        public var primary: RedisNodeAddress
        public var replicas: [RedisNodeAddress]
        /// How many of `replicas` the map does not mark failed (`health` of `CLUSTER SHARDS` online or loading: a
        /// replica of an empty primary says loading until the first write; all of `CLUSTER SLOTS`).
        public var liveReplicas: Int

        public init(slots: [ClosedRange<Int>], primary: RedisNodeAddress, replicas: [RedisNodeAddress] = [], liveReplicas: Int? = nil) {
            self.liveReplicas = liveReplicas ?? replicas.count
            self.slots = slots
            self.primary = primary
            self.replicas = replicas
        }
    }

    /// The shards that serve at least one slot.
    public private(set) var shards: [Shard]
    /// Index into `nodes` of each slot's primary; `unowned` where no primary serves it.
    private var owners: [UInt16]
    /// Every primary, in the order first seen.
    public private(set) var nodes: [RedisNodeAddress]
    private static let unowned = UInt16.max

    /// A topology from its shards; slots listed by no shard have no owner (commands on them are unroutable).
    public init(shards: [Shard]) {
        self.shards = shards.filter { !$0.slots.isEmpty }
        owners = Array(repeating: Self.unowned, count: RedisHashSlot.count)
        nodes = []
        for shard in self.shards {
            let index = nodeIndex(shard.primary)
            for range in shard.slots {
                for slot in range.clamped(to: 0...(RedisHashSlot.count - 1)) { owners[slot] = index }
            }
        }
    }

    private mutating func nodeIndex(_ node: RedisNodeAddress) -> UInt16 {
        if let index = nodes.firstIndex(of: node) { return UInt16(index) }
        nodes.append(node)
        return UInt16(nodes.count - 1)
    }

    /// The primary that serves `slot`, nil when none does.
    public func primary(for slot: RedisHashSlot) -> RedisNodeAddress? {
        let index = owners[Int(slot.rawValue)]
        return index == Self.unowned ? nil : nodes[Int(index)]
    }

    /// True when every slot has a primary.
    /// The shard whose primary serves `slot`, if any.
    public func shard(for slot: RedisHashSlot) -> Shard? {
        guard let primary = primary(for: slot) else { return nil }
        return shards.first { $0.primary == primary }
    }

    public var coversAllSlots: Bool { !owners.contains(Self.unowned) }

    /// The primaries that serve at least one slot now (after `MOVED` patches too).
    public var primaries: [RedisNodeAddress] {
        let used = Set(owners)
        return nodes.indices.filter { used.contains(UInt16($0)) }.map { nodes[$0] }
    }

    /// Records what a `MOVED` said: `slot` is served by `node` now (a full refresh follows).
    public mutating func assign(_ slot: RedisHashSlot, to node: RedisNodeAddress) {
        owners[Int(slot.rawValue)] = nodeIndex(node)
    }
}

extension RedisClusterTopology {
    /// Parses a `CLUSTER SHARDS` reply (RESP2 or RESP3). Of each shard the primary is the node whose role is
    /// `master`, preferring one whose health is `online` (a failed old primary may still be listed).
    public init(shardsReply reply: RESPValue, answeredBy node: RedisNodeAddress) throws {
        func invalid() -> RedisClientError { RedisClientError.unexpected(reply, for: "CLUSTER SHARDS") }
        guard let items = reply.array else { throw invalid() }
        var shards: [Shard] = []
        for item in items {
            guard let fields = item.pairs else { throw invalid() }
            var ranges: [ClosedRange<Int>] = []
            var primary: (address: RedisNodeAddress, online: Bool)?
            var replicas: [RedisNodeAddress] = []
            var liveReplicas = 0
            for (key, value) in fields {
                switch key.string {
                case "slots":
                    guard let bounds = value.array?.compactMap(\.int), bounds.count % 2 == 0 else { throw invalid() }
                    for index in stride(from: 0, to: bounds.count, by: 2) where bounds[index] <= bounds[index + 1] {
                        ranges.append(bounds[index]...bounds[index + 1])
                    }
                case "nodes":
                    for entry in value.array ?? [] {
                        guard let info = entry.pairs else { throw invalid() }
                        let byName = Dictionary(info.compactMap { pair in pair.key.string.map { ($0, pair.value) } }, uniquingKeysWith: { first, _ in first })
                        guard let port = byName["port"]?.int else { throw invalid() }
                        let endpoint = byName["endpoint"]?.string ?? ""
                        let host = endpoint.isEmpty || endpoint == "?" ? (byName["ip"]?.string ?? node.host) : endpoint
                        let address = RedisNodeAddress(host: host.isEmpty ? node.host : host, port: port)
                        let online = byName["health"]?.string.map { $0 == "online" } ?? true
                        if byName["role"]?.string == "master" {
                            if primary == nil || (online && primary?.online == false) { primary = (address, online) }
                        } else {
                            replicas.append(address)
                            if byName["health"]?.string != "fail" { liveReplicas += 1 }
                        }
                    }
                default:
                    continue
                }
            }
            if let primary, !ranges.isEmpty {
                shards.append(Shard(slots: ranges, primary: primary.address, replicas: replicas, liveReplicas: liveReplicas))
            }
        }
        self.init(shards: shards)
    }

    /// Parses a `CLUSTER SLOTS` reply: `[start, end, [host, port, id…], replica…]` per range.
    public init(slotsReply reply: RESPValue, answeredBy node: RedisNodeAddress) throws {
        func invalid() -> RedisClientError { RedisClientError.unexpected(reply, for: "CLUSTER SLOTS") }
        guard let items = reply.array else { throw invalid() }
        var shards: [Shard] = []
        for item in items {
            guard let parts = item.array, parts.count >= 3, let start = parts[0].int, let end = parts[1].int, start <= end else { throw invalid() }
            let addresses = try parts.dropFirst(2).map { part -> RedisNodeAddress in
                guard let fields = part.array, fields.count >= 2, let port = fields[1].int else { throw invalid() }
                let host = fields[0].string ?? ""
                return RedisNodeAddress(host: host.isEmpty || host == "?" ? node.host : host, port: port)
            }
            if let index = shards.firstIndex(where: { $0.primary == addresses[0] }) {
                shards[index].slots.append(start...end)
            } else {
                shards.append(Shard(slots: [start...end], primary: addresses[0], replicas: Array(addresses.dropFirst())))
            }
        }
        self.init(shards: shards)
    }
}
