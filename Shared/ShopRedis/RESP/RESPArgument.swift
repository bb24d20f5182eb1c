import NIOCore

/// One argument of a command, sent as a bulk string.
public struct RESPArgument: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    @usableFromInline
    enum Storage: Sendable {
        case string(String)
        case int(Int)
        case bytes(ByteBuffer)
        case byteArray([UInt8])
        case double(Double)
    }

    @usableFromInline
    let storage: Storage

    /// A UTF-8 text argument.
    @inlinable public init(_ string: String) { storage = .string(string) }
    /// An integer, sent in decimal.
    @inlinable public init(_ int: Int) { storage = .int(int) }
    /// Raw bytes, sent without a copy.
    @inlinable public init(_ bytes: ByteBuffer) { storage = .bytes(bytes) }
    /// Raw bytes from an array.
    @inlinable public init(bytes: [UInt8]) { storage = .byteArray(bytes) }
    /// A floating-point number, as Redis parses it (`inf`/`-inf` for infinities).
    public init(_ double: Double) {
        if double == .infinity {
            storage = .string("+inf")
        } else if double == -.infinity {
            storage = .string("-inf")
        } else {
            storage = .double(double)
        }
    }

    @inlinable public init(stringLiteral value: String) { storage = .string(value) }
    @inlinable public init(integerLiteral value: Int) { storage = .int(value) }
}

extension RESPArgument: CustomStringConvertible {
    public var description: String {
        switch storage {
        case .string(let string): return string
        case .int(let int): return String(int)
        case .bytes(let buffer): return String(buffer: buffer)
        case .byteArray(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .double(let double): return String(double)
        }
    }
}
