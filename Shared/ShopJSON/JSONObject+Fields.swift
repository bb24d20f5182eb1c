/// Typed reads of an object's members, for JSON we wrote ourselves (events, documents): a member that is missing
/// or of the wrong type is a `JSONError(.invalidValue)` naming it. Request bodies have stricter checks of their own.
extension JSONObject {
    public func string(_ key: String) throws(JSONError) -> String {
        guard let value = self[key]?.string else { throw Self.wrong(key, "a string") }
        return value
    }

    public func integer(_ key: String) throws(JSONError) -> Int {
        guard let value = self[key]?.integer else { throw Self.wrong(key, "a whole number") }
        return value
    }

    public func strings(_ key: String) throws(JSONError) -> [String] {
        guard let elements = self[key]?.array else { throw Self.wrong(key, "an array of strings") }
        var strings: [String] = []
        strings.reserveCapacity(elements.count)
        for element in elements {
            guard let string = element.string else { throw Self.wrong(key, "an array of strings") }
            strings.append(string)
        }
        return strings
    }

    private static func wrong(_ key: String, _ expected: String) -> JSONError {
        JSONError(.invalidValue, "'\(key)' must be \(expected)")
    }
}
