import NIOCore
import ShopJSON

/// Reads single top-level fields out of a stored entity document without decoding the rest.
enum DocumentFields {
    /// The value of the top-level string member `name`, or nil when the document has none (or is not an object).
    static func string(_ name: String, in document: ByteBuffer) -> String? {
        let value = document.withUnsafeReadableBytes { try? JSONReader.read($0, maxDepth: ProjectionRecord.maxDepth) }
        return value?.object?[name]?.string
    }
}
