/// One of Redis Cluster's 16384 hash slots: `CRC16(key) mod 16384`, where only the part between the first `{`
/// and the next `}` counts when it is not empty (a hash tag), so `{order}_ids` and `events:{order}_created` share one.
public struct RedisHashSlot: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The number of slots in a cluster.
    public static let count = 16384

    /// The slot number, 0..<16384.
    public let rawValue: UInt16

    /// A slot by number; nil outside 0..<16384.
    public init?(_ value: Int) {
        guard (0..<Self.count).contains(value) else { return nil }
        rawValue = UInt16(value)
    }

    /// The slot of a key given as UTF-8 text.
    public init(key: String) {
        self.init(key: Array(key.utf8))
    }

    /// The slot of a key given as bytes.
    public init<Bytes: Collection<UInt8>>(key: Bytes) {
        rawValue = RedisCRC16.checksum(of: Self.hashedPart(of: key)) & UInt16(Self.count - 1)
    }

    /// The bytes that are hashed: the hash tag when the key has a non-empty one, else the whole key.
    static func hashedPart<Bytes: Collection<UInt8>>(of key: Bytes) -> Bytes.SubSequence {
        guard let open = key.firstIndex(of: UInt8(ascii: "{")) else { return key[...] }
        let afterOpen = key.index(after: open)
        guard let close = key[afterOpen...].firstIndex(of: UInt8(ascii: "}")), close != afterOpen else { return key[...] }
        return key[afterOpen..<close]
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { String(rawValue) }
}

/// CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0), the checksum Redis Cluster hashes keys with.
enum RedisCRC16 {
    static let table: [UInt16] = (0..<256).map { byte in
        var crc = UInt16(byte) << 8
        for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        return crc
    }

    static func checksum<Bytes: Collection<UInt8>>(of bytes: Bytes) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc = (crc << 8) ^ table[Int((crc >> 8) ^ UInt16(byte))]
        }
        return crc
    }
}
