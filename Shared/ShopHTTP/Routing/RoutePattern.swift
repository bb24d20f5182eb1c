// ShopHTTP/Routing: the router, its path patterns with {name} parameters, and percent-decoding of paths and queries.

import ShopBasics

/// A route's path pattern: literal segments and `{name}` parameters; empty segments are ignored.
struct RoutePattern: Sendable, Equatable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    /// The pattern as registered, the route's label in metrics.
    let text: String
    let segments: [Segment]

    init(_ text: String) {
        self.text = text
        self.segments = Self.segments(of: text).map { segment in
            if segment.count > 2, segment.first == "{", segment.last == "}" {
                return .parameter(String(segment.dropFirst().dropLast()))
            }
            return .literal(segment)
        }
    }

    static func == (lhs: RoutePattern, rhs: RoutePattern) -> Bool { lhs.segments == rhs.segments }

    var isStatic: Bool {
        self.segments.allSatisfy { if case .literal = $0 { true } else { false } }
    }

    /// The literal path this pattern matches when it has no parameters.
    var normalisedPath: String {
        "/" + self.segments.map { if case .literal(let text) = $0 { text } else { "" } }.joined(separator: "/")
    }

    /// `/a//b/` becomes `/a/b`, so a trailing or doubled slash reaches the same route.
    static func normalise(_ path: String) -> String {
        if self.isNormalised(path) { return path }
        return "/" + self.segments(of: path).joined(separator: "/")
    }

    /// A single byte scan: the common case of a clean path must not allocate or search substrings.
    private static func isNormalised(_ path: String) -> Bool {
        var previous: UInt8 = 0
        var count = 0
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/"), previous == UInt8(ascii: "/") { return false }
            previous = byte
            count += 1
        }
        return count == 1 || previous != UInt8(ascii: "/")
    }

    static func segments(of path: String) -> [String] {
        path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map { String(Substring($0)) }
    }

    /// Matches percent-encoded path segments, collecting decoded parameters; nothing is collected on a mismatch.
    func match(_ path: [String], into parameters: inout [String: String]) -> Bool {
        guard path.count == self.segments.count else { return false }
        var found: [String: String] = [:]
        for (segment, actual) in zip(self.segments, path) {
            switch segment {
            case .literal(let text):
                guard text == actual else { return false }
            case .parameter(let name):
                guard let decoded = PercentDecoding.decode(actual, plusIsSpace: false) else { return false }
                found[name] = decoded
            }
        }
        parameters = found
        return true
    }
}
