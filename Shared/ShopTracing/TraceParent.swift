import ShopBasics

/// A W3C Trace Context `traceparent` header (`00-<trace id>-<parent id>-<flags>`): parsed strictly as the
/// specification says (lowercase hex, ids not all zero, version `ff` invalid, a later version may carry more fields),
/// so an invalid one is ignored, never trusted.
public struct TraceParent: Sendable, Hashable, CustomStringConvertible {
    /// 32 lowercase hex digits: the trace, and the correlation id of everything the request sets off.
    public var traceID: String
    /// 16 lowercase hex digits: the caller's span.
    public var parentID: String
    /// The trace flags (bit 0: sampled).
    public var flags: UInt8

    /// A trace context from its parts (ids already valid).
    public init(traceID: String, parentID: String, flags: UInt8) {
        self.traceID = traceID
        self.parentID = parentID
        self.flags = flags
    }

    /// Parses a `traceparent` header value; nil when it is not valid.
    public init?(_ header: some StringProtocol) {
        let bytes = Array(header.utf8)
        guard bytes.count >= 55, bytes[2] == UInt8(ascii: "-"), bytes[35] == UInt8(ascii: "-"), bytes[52] == UInt8(ascii: "-"),
              let version = Self.hexValue(bytes[0..<2]), version != 0xFF,
              let flags = Self.hexValue(bytes[53..<55]),
              Self.isID(bytes[3..<35]), Self.isID(bytes[36..<52]) else { return nil }
        // Version 00 is exactly 55 characters; a later version may add fields after a dash.
        if version == 0 ? bytes.count != 55 : (bytes.count > 55 && bytes[55] != UInt8(ascii: "-")) { return nil }
        self.init(traceID: String(decoding: bytes[3..<35], as: UTF8.self), parentID: String(decoding: bytes[36..<52], as: UTF8.self),
                  flags: UInt8(version == 0 ? flags : flags & 0x01))
    }

    /// Whether the caller records this trace.
    public var isSampled: Bool { flags & 0x01 != 0 }

    /// The header value, version 00.
    public var description: String {
        let hex = Array("0123456789abcdef".utf8)
        return "00-\(traceID)-\(parentID)-" + String(decoding: [hex[Int(flags >> 4)], hex[Int(flags & 0xF)]], as: UTF8.self)
    }

    /// The same trace with `spanID` as the parent: what a caller sends on.
    public func child(spanID: String) -> TraceParent {
        TraceParent(traceID: traceID, parentID: spanID, flags: flags)
    }

    /// A random trace id (32 hex digits, never all zero).
    public static func makeTraceID() -> String {
        randomHex(UInt64.random(in: 1 ... .max)) + randomHex(UInt64.random(in: .min ... .max))
    }

    /// A random span id (16 hex digits, never all zero).
    public static func makeSpanID() -> String {
        randomHex(UInt64.random(in: 1 ... .max))
    }

    static func randomHex(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            let hex: StaticString = "0123456789abcdef"
            for index in 0..<16 {
                buffer[index] = hex.utf8Start[Int((value >> (60 - 4 * UInt64(index))) & 0xF)]
            }
            return 16
        }
    }

    /// Lowercase hex, not all zero.
    private static func isID(_ bytes: ArraySlice<UInt8>) -> Bool {
        var nonZero = false
        for byte in bytes {
            guard let digit = lowercaseHex(byte) else { return false }
            if digit != 0 { nonZero = true }
        }
        return nonZero
    }

    private static func hexValue(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in bytes {
            guard let digit = lowercaseHex(byte) else { return nil }
            value = value * 16 + Int(digit)
        }
        return value
    }

    /// W3C trace context allows lowercase hex digits only.
    private static func lowercaseHex(_ byte: UInt8) -> UInt8? {
        (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte) ? nil : HexDigit.value(byte)
    }
}
