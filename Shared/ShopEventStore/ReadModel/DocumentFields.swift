import NIOCore

/// Reads single top-level fields out of a stored entity document without decoding the rest.
enum DocumentFields {
    /// The value of the top-level string member `name`, or nil when the document has none (or is not an object).
    static func string(_ name: String, in document: ByteBuffer) -> String? {
        let bytes = Array(document.readableBytesView)
        guard let members = try? RawJSON.members(of: bytes[...]) else { return nil }
        return members.first { $0.key == name }.flatMap { RawJSON.string($0.value) }
    }
}
