// ShopHTTP/Message: what a handler reads and answers: request, response, HTTP errors, conditional GETs, JSON bodies.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore

/// `Encodable` answers (status and console routes) as JSON; bodies are read with ShopJSON, never here.
enum JSONBody {
    static func encode<T: Encodable>(_ value: T) throws -> ByteBuffer {
        let data = try JSONEncoder().encode(value)
        return ByteBuffer(bytes: data)
    }
}
