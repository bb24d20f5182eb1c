import NIOCore

/// Writes commands as RESP arrays of bulk strings straight into a `ByteBuffer`.
public enum RESPEncoder {
    /// Appends one command (`*N\r\n` then `$len\r\nbytes\r\n` per argument) to `buffer`.
    @inlinable
    public static func encode(_ arguments: [RESPArgument], into buffer: inout ByteBuffer) {
        // Each header also closes the previous payload with its CRLF: one bounds check instead of two.
        writeHeader(UInt8(ascii: "*"), arguments.count, closingPrevious: false, into: &buffer)
        var first = true
        for argument in arguments {
            switch argument.storage {
            case .string(let string):
                let written: Void? = string.utf8.withContiguousStorageIfAvailable {
                    writeBulk(UnsafeRawBufferPointer($0), closingPrevious: !first, into: &buffer)
                }
                if written == nil {
                    writeHeader(UInt8(ascii: "$"), string.utf8.count, closingPrevious: !first, into: &buffer)
                    buffer.writeString(string)
                }
            case .int(let int):
                writeInteger(int, closingPrevious: !first, into: &buffer)
            case .bytes(let bytes):
                bytes.withUnsafeReadableBytes { writeBulk($0, closingPrevious: !first, into: &buffer) }
            case .byteArray(let bytes):
                bytes.withUnsafeBytes { writeBulk($0, closingPrevious: !first, into: &buffer) }
            case .double(let double):
                let text = String(double)
                writeHeader(UInt8(ascii: "$"), text.utf8.count, closingPrevious: !first, into: &buffer)
                buffer.writeString(text)
            }
            first = false
        }
        if !first { buffer.writeInteger(UInt16(0x0D0A)) }
    }

    /// `[CRLF]` + `$len` + CRLF + payload, in one write.
    @inlinable
    static func writeBulk(_ payload: UnsafeRawBufferPointer, closingPrevious: Bool, into buffer: inout ByteBuffer) {
        let digits = decimalLength(payload.count)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: digits + 5 + payload.count) { raw in
            var index = 0
            if closingPrevious {
                raw[0] = 13
                raw[1] = 10
                index = 2
            }
            raw[index] = UInt8(ascii: "$")
            index = writeDigits(payload.count, count: digits, into: raw, at: index + 1)
            raw[index] = 13
            raw[index + 1] = 10
            index += 2
            if payload.count > 0 {
                UnsafeMutableRawBufferPointer(rebasing: raw[index..<(index + payload.count)]).copyMemory(from: payload)
            }
            return index + payload.count
        }
    }

    /// `[CRLF]` + type byte + decimal + CRLF, in one write.
    @inlinable
    static func writeHeader(_ type: UInt8, _ value: Int, closingPrevious: Bool, into buffer: inout ByteBuffer) {
        let digits = decimalLength(value)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: digits + 5) { raw in
            var index = 0
            if closingPrevious {
                raw[0] = 13
                raw[1] = 10
                index = 2
            }
            raw[index] = type
            index += 1
            index = writeDigits(value, count: digits, into: raw, at: index)
            raw[index] = 13
            raw[index + 1] = 10
            return index + 2
        }
    }

    /// An integer argument: header and digits in one write (the CRLF comes with the next header).
    @inlinable
    static func writeInteger(_ value: Int, closingPrevious: Bool, into buffer: inout ByteBuffer) {
        let digits = decimalLength(value)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 2 * digits + 7) { raw in
            var index = 0
            if closingPrevious {
                raw[0] = 13
                raw[1] = 10
                index = 2
            }
            raw[index] = UInt8(ascii: "$")
            index = writeDigits(digits, count: decimalLength(digits), into: raw, at: index + 1)
            raw[index] = 13
            raw[index + 1] = 10
            return writeDigits(value, count: digits, into: raw, at: index + 2)
        }
    }

    /// Number of characters of `value` in decimal, sign included.
    @inlinable
    static func decimalLength(_ value: Int) -> Int {
        var magnitude = value.magnitude
        var count = value < 0 ? 2 : 1
        while magnitude >= 10 {
            magnitude /= 10
            count += 1
        }
        return count
    }

    /// Writes `count` characters of `value` at `start`; returns the index after them.
    @inlinable
    static func writeDigits(_ value: Int, count: Int, into raw: UnsafeMutableRawBufferPointer, at start: Int) -> Int {
        var magnitude = value.magnitude
        var index = start + count - 1
        repeat {
            raw[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
            index -= 1
        } while magnitude > 0
        if value < 0 { raw[start] = UInt8(ascii: "-") }
        return start + count
    }
}
