import NIOCore
@testable import ShopRedis

/// Serialises a reply the way a RESP3 server would, to feed the decoder in tests.
func serverBytes(_ value: RESPValue) -> [UInt8] {
    var out: [UInt8] = []
    func line(_ type: Character, _ text: String) {
        out.append(contentsOf: Array(String(type).utf8) + Array(text.utf8) + [13, 10])
    }
    func bulk(_ type: Character, _ bytes: [UInt8]) {
        line(type, String(bytes.count))
        out.append(contentsOf: bytes + [13, 10])
    }
    switch value {
    case .simpleString(let buffer): line("+", String(buffer: buffer))
    case .bulkString(let buffer): bulk("$", Array(buffer.readableBytesView))
    case .null: line("_", "")
    case .integer(let int): line(":", String(int))
    case .array(let values):
        line("*", String(values.count))
        values.forEach { out += serverBytes($0) }
    case .map(let map):
        line("%", String(map.count))
        for (key, element) in map { out += serverBytes(key) + serverBytes(element) }
    case .set(let set):
        line("~", String(set.count))
        set.forEach { out += serverBytes($0) }
    case .double(let double): line(",", double.isNaN ? "nan" : double == .infinity ? "inf" : double == -.infinity ? "-inf" : String(double))
    case .boolean(let bool): line("#", bool ? "t" : "f")
    case .bigNumber(let buffer): line("(", String(buffer: buffer))
    case .verbatim(let format, let text): bulk("=", Array(format.utf8) + [UInt8(ascii: ":")] + Array(text.readableBytesView))
    case .push(let values):
        line(">", String(values.count))
        values.forEach { out += serverBytes($0) }
    case .error(let error): line("-", error.description)
    }
    return out
}

/// Builds an arbitrary reply from random bytes (a tiny deterministic "program"), for property tests.
struct RESPValueBuilder {
    var bytes: [UInt8]
    var index = 0

    mutating func next() -> UInt8 {
        defer { index += 1 }
        return index < bytes.count ? bytes[index] : 0
    }

    mutating func text() -> [UInt8] {
        let count = Int(next() % 12)
        return (0..<count).map { _ in next() }
    }

    mutating func line() -> String {
        // Simple strings and errors cannot contain CR or LF.
        String(decoding: text().map { 32 + $0 % 90 }, as: UTF8.self)
    }

    mutating func value(depth: Int = 0) -> RESPValue {
        let kind = next() % (depth > 3 ? 8 : 13)
        switch kind {
        case 0: return .simpleString(ByteBuffer(string: line()))
        case 1: return .bulkString(ByteBuffer(bytes: text()))
        case 2: return .null
        case 3: return .integer(Int64(bitPattern: UInt64(next()) << 56 | UInt64(next()) << 8 | UInt64(next())) &* (next() % 2 == 0 ? 1 : -1))
        case 4: return .double(Double(Int(next()) - 128) / 8)
        case 5: return .boolean(next() % 2 == 0)
        case 6: return .bigNumber(ByteBuffer(string: "-" + String(repeating: "9", count: 1 + Int(next() % 30))))
        case 7: return .verbatim(format: "txt", text: ByteBuffer(bytes: text()))
        case 8: return .error(RedisServerError(prefix: "ERR" + String(next() % 10), message: line()))
        case 9: return .array((0..<Int(next() % 5)).map { _ in value(depth: depth + 1) })
        case 10:
            var map: [RESPValue: RESPValue] = [:]
            for _ in 0..<Int(next() % 4) { map[value(depth: depth + 1)] = value(depth: depth + 1) }
            return .map(map)
        case 11: return .set(Set((0..<Int(next() % 4)).map { _ in value(depth: depth + 1) }))
        default: return .push((0..<Int(next() % 4)).map { _ in value(depth: depth + 1) })
        }
    }
}
