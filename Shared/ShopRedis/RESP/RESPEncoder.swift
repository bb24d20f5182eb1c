import NIOCore

/// Writes commands as RESP arrays of bulk strings straight into a `ByteBuffer`.
public enum RESPEncoder {
    /// Appends one command (`*N\r\n` then `$len\r\nbytes\r\n` per argument) to `buffer`.
    @inlinable
    public static func encode(_ arguments: [RESPArgument], into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "*"))
        writeDecimal(arguments.count, into: &buffer)
        for argument in arguments {
            encode(argument, into: &buffer)
        }
    }

    @inlinable
    static func encode(_ argument: RESPArgument, into buffer: inout ByteBuffer) {
        switch argument.storage {
        case .string(let string):
            writeBulkHeader(string.utf8.count, into: &buffer)
            buffer.writeString(string)
        case .int(let int):
            writeBulkHeader(decimalLength(int), into: &buffer)
            writeDigits(int, into: &buffer)
        case .bytes(var bytes):
            writeBulkHeader(bytes.readableBytes, into: &buffer)
            buffer.writeBuffer(&bytes)
        case .byteArray(let bytes):
            writeBulkHeader(bytes.count, into: &buffer)
            buffer.writeBytes(bytes)
        case .double(let double):
            let text = String(double)
            writeBulkHeader(text.utf8.count, into: &buffer)
            buffer.writeString(text)
        }
        buffer.writeInteger(UInt16(0x0D0A))
    }

    @inlinable
    static func writeBulkHeader(_ length: Int, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "$"))
        writeDecimal(length, into: &buffer)
    }

    /// Decimal digits followed by CRLF.
    @inlinable
    static func writeDecimal(_ value: Int, into buffer: inout ByteBuffer) {
        writeDigits(value, into: &buffer)
        buffer.writeInteger(UInt16(0x0D0A))
    }

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

    @inlinable
    static func writeDigits(_ value: Int, into buffer: inout ByteBuffer) {
        if value >= 0 && value < 10 {
            buffer.writeInteger(UInt8(ascii: "0") &+ UInt8(value))
            return
        }
        if value < 0 { buffer.writeInteger(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            while magnitude > 0 {
                raw[19 - count] = UInt8(ascii: "0") &+ UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: raw[(20 - count)...]))
        }
    }
}
