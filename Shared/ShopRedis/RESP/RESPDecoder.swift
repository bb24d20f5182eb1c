import NIOCore

/// Incremental RESP2/RESP3 decoder: returns nil (consuming nothing) until a whole frame has arrived.
///
/// A large frame arriving in many reads is not re-parsed from its start each time: past `scanThreshold`
/// bytes the decoder switches to a cheap structural scan that resumes where it stopped, and parses once complete.
/// Keep one decoder per byte stream and pass the same (growing) buffer until a frame is returned.
public struct RESPDecoder: Sendable {
    /// The bounds this decoder enforces.
    public let limits: RESPDecoderLimits
    /// Unfinished frames at least this long are scanned incrementally instead of re-parsed.
    let scanThreshold: Int
    /// Progress of the scan of an unfinished frame, relative to the buffer's reader index.
    private var scan: (offset: Int, remaining: Int)?

    /// A decoder with the given limits.
    public init(limits: RESPDecoderLimits = RESPDecoderLimits()) {
        self.init(limits: limits, scanThreshold: 16 * 1024)
    }

    init(limits: RESPDecoderLimits, scanThreshold: Int) {
        self.limits = limits
        self.scanThreshold = scanThreshold
    }

    /// Decodes one whole frame from the front of `buffer` and consumes it; nil when more bytes are needed.
    /// Throws `RedisClientError` (`.protocolError`) on malformed input or a broken limit.
    public mutating func decode(_ buffer: inout ByteBuffer) throws -> RESPValue? {
        guard buffer.readableBytes > 0 else { return nil }
        let source = buffer
        let limits = self.limits
        if let progress = scan {
            let complete: (offset: Int, remaining: Int)? = try source.withUnsafeReadableBytes { bytes in
                var cursor = RESPCursor(bytes: bytes, source: source, limits: limits)
                cursor.offset = progress.offset
                var remaining = progress.remaining
                let done = try cursor.scan(remaining: &remaining)
                return done ? nil : (cursor.offset, remaining)
            }
            scan = complete
            if scan != nil { return nil }
        }
        let result: (RESPValue, Int)? = try source.withUnsafeReadableBytes { bytes in
            var cursor = RESPCursor(bytes: bytes, source: source, limits: limits)
            guard let value = try cursor.parseValue(depth: 0) else { return nil }
            return (value, cursor.offset)
        }
        guard let (value, consumed) = result else {
            if buffer.readableBytes >= scanThreshold { startScan(source) }
            return nil
        }
        buffer.moveReaderIndex(forwardBy: consumed)
        return value
    }

    private mutating func startScan(_ source: ByteBuffer) {
        let limits = self.limits
        scan = try? source.withUnsafeReadableBytes { bytes in
            var cursor = RESPCursor(bytes: bytes, source: source, limits: limits)
            var remaining = 1
            return try cursor.scan(remaining: &remaining) ? nil : (cursor.offset, remaining)
        }
    }
}

/// A read position in the bytes of one decode attempt.
struct RESPCursor {
    let bytes: UnsafeRawBufferPointer
    let source: ByteBuffer
    let limits: RESPDecoderLimits
    var offset = 0

    init(bytes: UnsafeRawBufferPointer, source: ByteBuffer, limits: RESPDecoderLimits) {
        self.bytes = bytes
        self.source = source
        self.limits = limits
    }

    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")

    mutating func parseValue(depth: Int) throws -> RESPValue? {
        // Attributes describe the reply that follows; we have no use for them, so skip them (a loop, not
        // recursion, so a long run of attributes cannot exhaust the stack).
        while offset < bytes.count, bytes[offset] == UInt8(ascii: "|") {
            offset += 1
            guard try readPairs(depth: depth) != nil else { return nil }
        }
        guard offset < bytes.count else { return nil }
        let type = bytes[offset]
        offset += 1
        switch type {
        case UInt8(ascii: "+"):
            guard let line = try readLine() else { return nil }
            return .simpleString(slice(line))
        case UInt8(ascii: "-"):
            guard let line = try readLine() else { return nil }
            return .error(RedisServerError(line: text(line)))
        case UInt8(ascii: ":"):
            guard let line = try readLine() else { return nil }
            return .integer(try integer(line))
        case UInt8(ascii: "$"):
            guard let payload = try readBulk(allowNull: true) else { return nil }
            return payload.map { .bulkString(slice($0)) } ?? .null
        case UInt8(ascii: "*"):
            return try readAggregate(depth: depth, allowNull: true).map { $0.map(RESPValue.array) ?? .null }
        case UInt8(ascii: "_"):
            guard let line = try readLine() else { return nil }
            guard line.isEmpty else { throw protocolError("null with a payload") }
            return .null
        case UInt8(ascii: ","):
            guard let line = try readLine() else { return nil }
            guard let value = Double(text(line)) else { throw protocolError("invalid double") }
            return .double(value)
        case UInt8(ascii: "#"):
            guard let line = try readLine() else { return nil }
            guard line.count == 1 else { throw protocolError("invalid boolean") }
            switch bytes[line.lowerBound] {
            case UInt8(ascii: "t"): return .boolean(true)
            case UInt8(ascii: "f"): return .boolean(false)
            default: throw protocolError("invalid boolean")
            }
        case UInt8(ascii: "("):
            guard let line = try readLine() else { return nil }
            try validateBigNumber(line)
            return .bigNumber(slice(line))
        case UInt8(ascii: "!"):
            guard let payload = try readBulk(allowNull: false) else { return nil }
            return .error(RedisServerError(line: text(payload!)))
        case UInt8(ascii: "="):
            guard let payload = try readBulk(allowNull: false), let range = payload else { return nil }
            guard range.count >= 4, bytes[range.lowerBound + 3] == UInt8(ascii: ":") else {
                throw protocolError("invalid verbatim string")
            }
            let format = text(range.lowerBound..<(range.lowerBound + 3))
            return .verbatim(format: format, text: slice((range.lowerBound + 4)..<range.upperBound))
        case UInt8(ascii: "%"):
            guard let pairs = try readPairs(depth: depth) else { return nil }
            var map: [RESPValue: RESPValue] = [:]
            map.reserveCapacity(min(pairs.count, 1024))
            for (key, value) in pairs { map[key] = value }
            return .map(map)
        case UInt8(ascii: "~"):
            guard let elements = try readAggregate(depth: depth, allowNull: false) else { return nil }
            return .set(Set(elements!))
        case UInt8(ascii: ">"):
            guard let elements = try readAggregate(depth: depth, allowNull: false) else { return nil }
            return .push(elements!)
        default:
            throw protocolError("unknown type byte \(type)")
        }
    }

    /// The bytes up to the next CRLF (CRLF consumed), nil when incomplete.
    mutating func readLine() throws -> Range<Int>? {
        let start = offset
        var index = start
        let end = bytes.count
        let limit = min(end, start + limits.maxBulkLength + 1)
        while index < limit {
            if bytes[index] == Self.cr {
                guard index + 1 < end else { return nil }
                guard bytes[index + 1] == Self.lf else { throw protocolError("CR without LF") }
                offset = index + 2
                return start..<index
            }
            index += 1
        }
        if limit < end || end - start > limits.maxBulkLength { throw protocolError("line longer than the limit") }
        return nil
    }

    /// A length-prefixed payload: nil when incomplete, `.some(nil)` for a null (`-1`).
    mutating func readBulk(allowNull: Bool) throws -> Range<Int>?? {
        guard let line = try readLine() else { return nil }
        let length = try integer(line)
        if length == -1 && allowNull { return .some(nil) }
        guard length >= 0 else { throw protocolError("negative length") }
        guard length <= limits.maxBulkLength else { throw protocolError("bulk length \(length) over the limit") }
        let start = offset
        let count = Int(length)
        guard bytes.count - start >= count + 2 else { return nil }
        guard bytes[start + count] == Self.cr, bytes[start + count + 1] == Self.lf else {
            throw protocolError("bulk payload not followed by CRLF")
        }
        offset = start + count + 2
        return .some(start..<(start + count))
    }

    /// The elements of an aggregate: nil when incomplete, `.some(nil)` for a null array.
    mutating func readAggregate(depth: Int, allowNull: Bool) throws -> [RESPValue]?? {
        guard let line = try readLine() else { return nil }
        let count = try integer(line)
        if count == -1 && allowNull { return .some(nil) }
        guard count >= 0 else { throw protocolError("negative aggregate length") }
        guard count <= limits.maxAggregateLength else { throw protocolError("aggregate length \(count) over the limit") }
        guard depth < limits.maxDepth else { throw protocolError("nesting deeper than \(limits.maxDepth)") }
        // Never trust the declared count for allocation: it may be a lie.
        var elements: [RESPValue] = []
        elements.reserveCapacity(min(Int(count), bytes.count - offset))
        for _ in 0..<count {
            guard let element = try parseValue(depth: depth + 1) else { return nil }
            elements.append(element)
        }
        return .some(elements)
    }

    mutating func readPairs(depth: Int) throws -> [(RESPValue, RESPValue)]? {
        guard let line = try readLine() else { return nil }
        let count = try integer(line)
        guard count >= 0 else { throw protocolError("negative map length") }
        guard count <= limits.maxAggregateLength / 2 else { throw protocolError("map length \(count) over the limit") }
        guard depth < limits.maxDepth else { throw protocolError("nesting deeper than \(limits.maxDepth)") }
        var pairs: [(RESPValue, RESPValue)] = []
        pairs.reserveCapacity(min(Int(count), bytes.count - offset))
        for _ in 0..<count {
            guard let key = try parseValue(depth: depth + 1), let value = try parseValue(depth: depth + 1) else { return nil }
            pairs.append((key, value))
        }
        return pairs
    }

    func integer(_ range: Range<Int>) throws -> Int64 {
        guard !range.isEmpty else { throw protocolError("empty integer") }
        var index = range.lowerBound
        var negative = false
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
            guard index < range.upperBound else { throw protocolError("sign without digits") }
        }
        var value: Int64 = 0
        while index < range.upperBound {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { throw protocolError("invalid integer") }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = negative
                ? shifted.subtractingReportingOverflow(Int64(digit))
                : shifted.addingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { throw protocolError("integer out of range") }
            value = next
            index += 1
        }
        return value
    }

    func validateBigNumber(_ range: Range<Int>) throws {
        var index = range.lowerBound
        if index < range.upperBound, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
        guard index < range.upperBound else { throw protocolError("empty big number") }
        while index < range.upperBound {
            guard bytes[index] &- UInt8(ascii: "0") < 10 else { throw protocolError("invalid big number") }
            index += 1
        }
    }

    func slice(_ range: Range<Int>) -> ByteBuffer {
        source.getSlice(at: source.readerIndex + range.lowerBound, length: range.count)!
    }

    func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    func protocolError(_ message: String) -> RedisClientError {
        RedisClientError(.protocolError, message)
    }
}
