import NIOCore

/// Where a command goes on a cluster, from its name and the positions of its keys.
enum RedisCommandRoute: Sendable, Equatable {
    /// The primary of this slot (every key of the command hashes to it).
    case slot(RedisHashSlot)
    /// No key: any primary answers (`PING`, `INFO`, `CLUSTER …`).
    case anyNode
    /// Every primary, once each (`SCRIPT LOAD`, `FLUSHALL`): each node has its own script cache and keys.
    case allPrimaries
    /// Keys in different slots: Redis would answer `CROSSSLOT`, so it is never sent.
    case crossSlot([String])
    /// An answer about one node's keys (`SCAN`, `KEYS`, `DBSIZE`, `RANDOMKEY`): on a cluster it would silently
    /// leave out the other nodes' keys, so it is refused.
    case oneNodeOnly

    /// The route of `command` (its name first).
    init(_ command: [RESPArgument]) {
        guard let name = command.first?.description.uppercased() else {
            self = .anyNode
            return
        }
        let positions: [Int]
        switch name {
        case _ where Self.keyless.contains(name):
            self = .anyNode
            return
        case _ where Self.everyPrimary.contains(name):
            self = .allPrimaries
            return
        case _ where Self.nodeLocal.contains(name):
            self = .oneNodeOnly
            return
        case _ where Self.allArgumentsAreKeys.contains(name):
            positions = Array(command.indices.dropFirst())
        case "MSET", "MSETNX":
            positions = Array(stride(from: 1, to: command.count, by: 2))
        case "EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO":
            let count = command.count > 2 ? Int(command[2].description) ?? 0 : 0
            positions = Array((3..<(3 + count)).filter { $0 < command.count })
        case "XREAD", "XREADGROUP":
            guard let streams = command.firstIndex(where: { $0.description.uppercased() == "STREAMS" }) else {
                positions = []
                break
            }
            let count = (command.count - streams - 1) / 2
            positions = Array((streams + 1)..<(streams + 1 + count))
        case "XINFO", "XGROUP", "MEMORY", "OBJECT":
            positions = command.count > 2 ? [2] : []
        case "RENAME", "RENAMENX", "RPOPLPUSH", "LMOVE", "SMOVE", "COPY":
            positions = [1, 2].filter { $0 < command.count }
        case "BLPOP", "BRPOP", "BZPOPMIN", "BZPOPMAX":
            positions = Array(command.indices.dropFirst().dropLast())
        default:
            positions = command.count > 1 ? [1] : []
        }
        self.init(keys: positions.map { command[$0] })
    }

    /// The route of a command that touches `keys`.
    init(keys: [RESPArgument]) {
        guard let first = keys.first else {
            self = .anyNode
            return
        }
        let slot = first.hashSlot
        if keys.dropFirst().contains(where: { $0.hashSlot != slot }) {
            self = .crossSlot(keys.map(\.description))
        } else {
            self = .slot(slot)
        }
    }

    private static let keyless: Set<String> = [
        "PING", "ECHO", "INFO", "CLUSTER", "CLIENT", "CONFIG", "COMMAND", "TIME", "ASKING",
        "READONLY", "READWRITE", "HELLO", "AUTH", "SELECT", "LASTSAVE", "SAVE", "BGSAVE", "BGREWRITEAOF", "WAIT",
        "DEBUG", "SLOWLOG", "LATENCY", "FUNCTION", "MULTI", "EXEC", "DISCARD", "UNWATCH",
        "ACL", "ROLE", "LOLWUT", "RESET", "QUIT", "SHUTDOWN", "MONITOR", "PUBLISH", "SUBSCRIBE", "PSUBSCRIBE",
    ]
    private static let everyPrimary: Set<String> = ["SCRIPT", "FLUSHALL", "FLUSHDB"]
    private static let nodeLocal: Set<String> = ["SCAN", "KEYS", "DBSIZE", "RANDOMKEY"]
    private static let allArgumentsAreKeys: Set<String> = [
        "DEL", "UNLINK", "EXISTS", "MGET", "TOUCH", "WATCH", "SUNION", "SINTER", "SDIFF", "SUNIONSTORE",
        "SINTERSTORE", "SDIFFSTORE", "PFCOUNT", "PFMERGE",
    ]
}

extension RESPArgument {
    /// The hash slot of this argument read as a key.
    var hashSlot: RedisHashSlot {
        switch storage {
        case .string(let string): return RedisHashSlot(key: string)
        case .bytes(let buffer): return RedisHashSlot(key: buffer.readableBytesView)
        case .byteArray(let bytes): return RedisHashSlot(key: bytes)
        case .int, .double: return RedisHashSlot(key: description)
        }
    }
}
