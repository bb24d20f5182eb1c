// ShopHTTP/Message: what a handler reads and answers: request, response, HTTP errors, conditional GETs, JSON bodies.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore

/// JSON encoding and decoding of bodies, with decoding errors turned into 400s a client can act on.
enum JSONBody {
    static func decode<T: Decodable>(_ type: T.Type, from body: ByteBuffer) throws -> T {
        guard body.readableBytes > 0 else {
            throw HTTPError(.badRequest, "request body is empty, expected JSON")
        }
        do {
            return try JSONDecoder().decode(type, from: Data(body.readableBytesView))
        } catch let error as DecodingError {
            throw HTTPError(.badRequest, self.message(for: error))
        } catch {
            throw HTTPError(.badRequest, "malformed JSON")
        }
    }

    static func encode<T: Encodable>(_ value: T) throws -> ByteBuffer {
        let data = try JSONEncoder().encode(value)
        return ByteBuffer(bytes: data)
    }

    /// The first byte that is not JSON whitespace, to tell an object from an array without parsing twice.
    static func firstSignificantByte(of body: ByteBuffer) -> UInt8? {
        body.readableBytesView.first { byte in
            byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\n") && byte != UInt8(ascii: "\r") && byte != UInt8(ascii: "\t")
        }
    }

    private static func message(for error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field '\(self.path(context.codingPath + [key]))'"
        case .typeMismatch(let type, let context):
            return "field '\(self.path(context.codingPath))' has the wrong type, expected \(self.jsonName(of: type))"
        case .valueNotFound(let type, let context):
            return "field '\(self.path(context.codingPath))' is null, expected \(self.jsonName(of: type))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "malformed JSON" }
            return "field '\(self.path(context.codingPath))' is invalid: \(context.debugDescription)"
        @unknown default:
            return "invalid JSON body"
        }
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        var path = ""
        for key in codingPath {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                path += path.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return path.isEmpty ? "(root)" : path
    }

    private static func jsonName(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type, is UInt64.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "a boolean"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : (String(describing: type).hasPrefix("Dictionary") ? "an object" : "\(type)")
        }
    }
}
