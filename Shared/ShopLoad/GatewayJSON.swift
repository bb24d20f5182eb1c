import Foundation
import ShopDomain

/// Reads the gateway's answers the checks need; an answer of the wrong shape is a `LoadError`, never a crash.
public enum GatewayJSON {
    /// The ids a POST answered (a JSON array of strings).
    public static func ids(_ body: [UInt8]) throws(LoadError) -> [String] {
        if let ids = plainStrings(body) { return ids }
        return try decode([String].self, body, what: "a JSON array of ids")
    }

    /// A JSON array of strings without escapes or spaces (what the gateway answers a POST: `["id",…]`), read in one
    /// scan; nil for anything else, which the full decoder then reads (or refuses).
    static func plainStrings(_ body: [UInt8]) -> [String]? {
        guard body.count >= 2, body.first == UInt8(ascii: "["), body.last == UInt8(ascii: "]") else { return nil }
        if body.count == 2 { return [] }
        var strings: [String] = []
        var index = 1
        while true {
            guard index < body.count, body[index] == UInt8(ascii: "\"") else { return nil }
            let start = index + 1
            var end = start
            while end < body.count, body[end] != UInt8(ascii: "\"") {
                if body[end] == UInt8(ascii: "\\") || body[end] < 0x20 { return nil }
                end += 1
            }
            guard end < body.count - 1 else { return nil }
            guard let text = String(validating: body[start..<end], as: UTF8.self) else { return nil }
            strings.append(text)
            index = end + 1
            if body[index] == UInt8(ascii: "]") { return index == body.count - 1 ? strings : nil }
            guard body[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
    }

    /// The orders `GET /orders` listed.
    public static func orders(_ body: [UInt8]) throws(LoadError) -> [Order] {
        try decode([Order].self, body, what: "a JSON array of orders")
    }

    /// The inventory `GET /inventory` listed.
    public static func inventory(_ body: [UInt8]) throws(LoadError) -> [Inventory] {
        try decode([Inventory].self, body, what: "a JSON array of inventory entries")
    }

    /// The length of one stream in the `GET /status` answer (`{"streams":[{"name","length",…}]}`); 0 when the
    /// stream is not listed (it does not exist until its first event).
    public static func streamLength(_ body: [UInt8], stream: String) throws(LoadError) -> Int {
        struct Status: Decodable {
            struct Stream: Decodable {
                var name: String
                var length: Int
            }
            var streams: [Stream]
        }
        let status = try decode(Status.self, body, what: "a status object with streams")
        return status.streams.first { $0.name == stream }?.length ?? 0
    }

    /// The differences a `GET /verify/{topic}` answer lists between the topic's projection and the fold of its events.
    public static func verifyDifferences(_ body: [UInt8]) throws(LoadError) -> [String] {
        struct Verification: Decodable {
            var differences: [String]
        }
        return try decode(Verification.self, body, what: "a verification with differences").differences
    }

    /// Entries the consumer groups have not finished in the `GET /status` answer: lag (not yet delivered) plus
    /// pending (delivered, not acknowledged), summed over every group of every stream; unknown lag counts as 0.
    public static func consumerBacklog(_ body: [UInt8]) throws(LoadError) -> Int {
        struct Status: Decodable {
            struct Stream: Decodable {
                struct Group: Decodable {
                    var lag: Int?
                    var pending: Int
                }
                var groups: [Group]
            }
            var streams: [Stream]
        }
        let status = try decode(Status.self, body, what: "a status object with streams and groups")
        return status.streams.reduce(0) { total, stream in
            stream.groups.reduce(total) { $0 + Swift.max(0, $1.lag ?? 0) + Swift.max(0, $1.pending) }
        }
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ body: [UInt8], what: String) throws(LoadError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch {
            let excerpt = String(decoding: body.prefix(120), as: UTF8.self)
            throw LoadError(.unexpectedResponse, "expected \(what), got '\(excerpt)'")
        }
    }
}
