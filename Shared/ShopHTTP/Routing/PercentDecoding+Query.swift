// ShopHTTP/Routing: the router, its path patterns with {name} parameters, and percent-decoding of paths and queries.

import ShopBasics

extension PercentDecoding {
    /// Parses `a=1&b=x%20y`; pairs that do not decode are skipped, the last of repeated names wins.
    static func query(_ query: Substring) -> [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = self.decode(parts[0], plusIsSpace: true), !name.isEmpty else { continue }
            let value = parts.count > 1 ? self.decode(parts[1], plusIsSpace: true) : ""
            if let value { result[name] = value }
        }
        return result
    }
}
