// ShopHTTP/Server: the HTTP/1.1 server: listening, one handler per connection, limits, deadlines, graceful shutdown.

/// Makes request ids (16 hex digits) from a per-connection SplitMix64 stream seeded by the system,
/// which is far cheaper than a UUID or a system random call per request.
struct RequestIDGenerator {
    private var state: UInt64 = UInt64.random(in: .min ... .max)

    mutating func next() -> String {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = self.state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        mixed ^= mixed >> 31
        let digits = mixed
        return String(unsafeUninitializedCapacity: 16) { buffer in
            let hex: StaticString = "0123456789abcdef"
            for index in 0..<16 {
                let nibble = Int((digits >> (60 - 4 * UInt64(index))) & 0xF)
                buffer[index] = hex.utf8Start[nibble]
            }
            return 16
        }
    }

    /// An incoming `X-Request-Id` is honoured when it is 1 to 128 visible ASCII characters (safe in logs and headers).
    static func isAcceptable(_ id: String) -> Bool {
        let utf8 = id.utf8
        return !utf8.isEmpty && utf8.count <= 128 && utf8.allSatisfy { $0 >= 0x21 && $0 <= 0x7E }
    }
}
