import NIOCore

/// Where `JSONWriter` writes: a byte array (events, projections) or a NIO `ByteBuffer` (HTTP bodies).
public protocol JSONOutput {
    mutating func writeJSONBytes(_ bytes: UnsafeRawBufferPointer)
    mutating func writeJSONByte(_ byte: UInt8)
}

extension Array: JSONOutput where Element == UInt8 {
    public mutating func writeJSONBytes(_ bytes: UnsafeRawBufferPointer) { append(contentsOf: bytes) }
    public mutating func writeJSONByte(_ byte: UInt8) { append(byte) }
}

extension ByteBuffer: JSONOutput {
    public mutating func writeJSONBytes(_ bytes: UnsafeRawBufferPointer) { writeBytes(bytes) }
    public mutating func writeJSONByte(_ byte: UInt8) { writeInteger(byte) }
}

extension JSONOutput {
    mutating func writeJSONText(_ text: StaticString) {
        writeJSONBytes(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
