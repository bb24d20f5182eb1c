import CZlib

/// gzip (RFC 1952) through the system zlib: how large event entities are stored (`enc=gzip`).
public enum Gzip {
    /// Compresses `bytes` into one gzip member; `level` runs from 0 (store) to 9 (smallest), other values are clamped.
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        let status = deflateInit2_(&stream, min(max(level, 0), 9), Z_DEFLATED, gzipWindowBits, 8, Z_DEFAULT_STRATEGY,
                                   zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        // With valid arguments deflateInit2 fails only when memory runs out, where Swift itself would trap.
        precondition(status == Z_OK, "zlib deflateInit2 failed with \(status)")
        defer { deflateEnd(&stream) }

        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        var consumed = 0
        var produced = 0
        while true {
            if produced == output.count { output += [UInt8](repeating: 0, count: max(output.count, 1024)) }
            let chunk = min(bytes.count - consumed, Int(UInt32.max))
            let isLast = consumed + chunk == bytes.count
            let (read, written, result) = step(&stream, input: bytes, from: consumed, count: chunk, output: &output, at: produced) {
                deflate(&$0, isLast ? Z_FINISH : Z_NO_FLUSH)
            }
            consumed += read
            produced += written
            if result == Z_STREAM_END { break }
            precondition(result == Z_OK || result == Z_BUF_ERROR, "zlib deflate failed with \(result)")
        }
        output.removeLast(output.count - produced)
        return output
    }

    /// Decompresses gzip data (one member or several in a row) of at most `maxOutputSize` bytes.
    ///
    /// Memory stays bounded by `maxOutputSize`: a zip bomb is `tooLarge`, not an out-of-memory; damaged or
    /// cut-off input is `corrupt` or `truncated`.
    public static func decompress(_ bytes: [UInt8], maxOutputSize: Int) throws(GzipError) -> [UInt8] {
        guard maxOutputSize >= 0 else { throw GzipError(.invalidArgument, "maxOutputSize must not be negative") }
        guard !bytes.isEmpty else { throw GzipError(.truncated, "empty input is not gzip data") }
        var stream = z_stream()
        guard inflateInit2_(&stream, gzipWindowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw GzipError(.internalError, "zlib inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }

        // One byte past the limit is how an oversized result is recognised without producing all of it.
        let limit = maxOutputSize == Int.max ? maxOutputSize : maxOutputSize + 1
        var output = [UInt8](repeating: 0, count: min(limit, max(bytes.count * 4, 4096)))
        var consumed = 0
        var produced = 0
        while true {
            if produced == output.count {
                guard output.count < limit else {
                    throw GzipError(.tooLarge, "decompressed data exceeds \(maxOutputSize) bytes")
                }
                output += [UInt8](repeating: 0, count: min(limit - output.count, output.count))
            }
            let chunk = min(bytes.count - consumed, Int(UInt32.max))
            let (read, written, result) = step(&stream, input: bytes, from: consumed, count: chunk, output: &output, at: produced) {
                inflate(&$0, Z_NO_FLUSH)
            }
            consumed += read
            produced += written
            if produced > maxOutputSize { throw GzipError(.tooLarge, "decompressed data exceeds \(maxOutputSize) bytes") }
            switch result {
            case Z_STREAM_END:
                if consumed == bytes.count {
                    output.removeLast(output.count - produced)
                    return output
                }
                // gzip allows several members one after another (`cat a.gz b.gz`); anything else is garbage.
                guard bytes[consumed] == 0x1f, inflateReset(&stream) == Z_OK else {
                    throw GzipError(.corrupt, "unexpected bytes after the end of the gzip data")
                }
            case Z_OK, Z_BUF_ERROR:
                // No progress with input left means the output was full (grown above); with none left, the end is missing.
                if consumed == bytes.count && produced < output.count {
                    throw GzipError(.truncated, "gzip data ends before its end marker")
                }
            case Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR:
                let reason = stream.msg.map { String(cString: $0) } ?? "invalid data"
                throw GzipError(.corrupt, "not valid gzip data: \(reason)")
            default:
                throw GzipError(.internalError, "zlib inflate failed with \(result)")
            }
        }
    }

    /// 15 bits of window plus 16: zlib writes and reads the gzip wrapper instead of its own.
    private static let gzipWindowBits: Int32 = 15 + 16

    /// Runs one deflate or inflate call over `input[from..<from+count]` into `output[at...]`;
    /// returns how many bytes it read and wrote, and zlib's status.
    private static func step(
        _ stream: inout z_stream, input: [UInt8], from start: Int, count: Int, output: inout [UInt8], at offset: Int,
        _ call: (inout z_stream) -> Int32
    ) -> (read: Int, written: Int, status: Int32) {
        let outputSpace = min(output.count - offset, Int(UInt32.max))
        return input.withUnsafeBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                // zlib never writes through next_in; the type is mutable only for historical reasons.
                stream.next_in = inputBuffer.baseAddress.map { UnsafeMutablePointer(mutating: $0 + start) }
                stream.avail_in = uInt(count)
                stream.next_out = outputBuffer.baseAddress.map { $0 + offset }
                stream.avail_out = uInt(outputSpace)
                let status = call(&stream)
                let read = count - Int(stream.avail_in)
                let written = outputSpace - Int(stream.avail_out)
                stream.next_in = nil
                stream.next_out = nil
                return (read, written, status)
            }
        }
    }
}

/// Why gzip data could not be decompressed.
public struct GzipError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable, Equatable {
        /// Not gzip data, or damaged (bad header, bad CRC, invalid deflate stream).
        case corrupt
        /// The data stops before the gzip member ends.
        case truncated
        /// The data would decompress to more than the allowed size.
        case tooLarge
        /// A parameter was out of range.
        case invalidArgument
        /// zlib itself failed (out of memory).
        case internalError
    }

    /// The kind of failure, to branch on.
    public let code: Code
    /// What exactly was wrong, for logs.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "GzipError.\(code.rawValue): \(message)" }
}
