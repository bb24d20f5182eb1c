extension RESPCursor {
    /// Walks whole values without building them, from `offset`, until `remaining` values are complete (true)
    /// or the bytes run out (false; `offset` is left at the start of the unfinished value, to resume there).
    /// Structure only: the parse that follows a complete scan checks everything else.
    mutating func scan(remaining: inout Int) throws -> Bool {
        while remaining > 0 {
            let start = offset
            guard offset < bytes.count else { return false }
            let type = bytes[offset]
            offset += 1
            guard let line = try readLine() else {
                offset = start
                return false
            }
            switch type {
            case UInt8(ascii: "$"), UInt8(ascii: "="), UInt8(ascii: "!"):
                let length = try integer(line)
                if length == -1 && type == UInt8(ascii: "$") { break }
                guard length >= 0, length <= limits.maxBulkLength else { throw RedisClientError(.protocolError, "invalid bulk length") }
                guard bytes.count - offset >= Int(length) + 2 else {
                    offset = start
                    return false
                }
                offset += Int(length) + 2
            case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"):
                let count = try integer(line)
                if count == -1 && type == UInt8(ascii: "*") { break }
                guard count >= 0, count <= limits.maxAggregateLength else { throw RedisClientError(.protocolError, "invalid aggregate length") }
                remaining += Int(count)
            case UInt8(ascii: "%"), UInt8(ascii: "|"):
                let count = try integer(line)
                guard count >= 0, count <= limits.maxAggregateLength / 2 else { throw RedisClientError(.protocolError, "invalid map length") }
                remaining += 2 * Int(count)
                // An attribute is not a value of its own: the value it describes still follows.
                if type == UInt8(ascii: "|") { remaining += 1 }
            default:
                break  // one-line types; the parse validates their contents
            }
            remaining -= 1
        }
        return true
    }
}
