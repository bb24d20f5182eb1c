import NIOCore

/// Throwing accessors the typed helpers use to turn replies into values, with a clear error on a wrong shape.
extension RESPValue {
    func arrayValue(_ command: String) throws -> [RESPValue] {
        if case .null = self { return [] }
        guard let array else { throw RedisClientError.unexpected(self, for: command) }
        return array
    }

    func intValue(_ command: String) throws -> Int {
        guard let int else { throw RedisClientError.unexpected(self, for: command) }
        return int
    }

    func stringValue(_ command: String) throws -> String {
        guard let string else { throw RedisClientError.unexpected(self, for: command) }
        return string
    }

    /// A map or flat key/value array as a dictionary with text keys.
    func dictionary(_ command: String) throws -> [String: RESPValue] {
        guard let pairs else { throw RedisClientError.unexpected(self, for: command) }
        var result: [String: RESPValue] = [:]
        result.reserveCapacity(pairs.count)
        for (key, value) in pairs {
            guard let name = key.string else { throw RedisClientError.unexpected(self, for: command) }
            result[name] = value
        }
        return result
    }
}

extension Array where Element == RESPArgument {
    /// Appends field/value pairs as alternating arguments.
    mutating func append(pairs: [(String, RESPArgument)]) {
        reserveCapacity(count + pairs.count * 2)
        for (field, value) in pairs {
            append(RESPArgument(field))
            append(value)
        }
    }
}
