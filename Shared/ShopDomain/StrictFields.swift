import ShopJSON

/// Reads the fields of one JSON object strictly: every problem becomes a `ValidationError` a user understands.
/// The entity's `id` (and whatever else `ignoring` names) may be sent and is ignored, so a client can send back what
/// it read, as the original OrderShop allowed; any other field the entity does not have is refused, so a typo
/// (`"emial"`) is not silently dropped.
struct StrictFields {
    private let object: JSONObject
    /// The position of this object in an array body, for messages about one item among many.
    private let itemIndex: Int?

    /// The object `value` should be, a `noun`; `fields` are the ones the draft reads.
    init(_ value: JSONValue, item: Int?, describing noun: String, fields known: [String], ignoring: Set<String> = []) throws(ValidationError) {
        itemIndex = item
        guard case .object(let object) = value else {
            throw Self.located(ValidationError(.wrongType, "expected a JSON object describing a \(noun), found \(value.described)"), item)
        }
        let allowed = Set(known).union(ignoring).union(["id"])
        if let unknown = object.members.map(\.key).sorted().first(where: { !allowed.contains($0) }) {
            let names = known.map { "'\($0)'" }.joined(separator: ", ")
            throw Self.located(ValidationError(.invalidValue, "unknown field \(JSONQuote.value(unknown)) in a \(noun): its fields are \(names)"), item)
        }
        self.object = object
    }

    /// A non-empty string of at most `maxLength` Unicode scalars, without control characters.
    func text(_ name: String, maxLength: Int) throws(ValidationError) -> String {
        let value = try string(name)
        try checkText(value, field: name, maxLength: maxLength)
        return value
    }

    /// A plausible e-mail address: one `@` with something on both sides, no spaces, within the RFC length limits.
    func email(_ name: String) throws(ValidationError) -> String {
        let value = try string(name)
        try checkText(value, field: name, maxLength: DomainLimits.maxEmailLength)
        guard EmailAddress.isPlausible(value) else {
            throw error(.invalidValue, "'\(name)' must be an e-mail address like name@example.com, found \(JSONQuote.value(value))")
        }
        return value
    }

    /// A reference to another entity: a UUID string, returned in lowercase.
    func identifier(_ name: String) throws(ValidationError) -> String {
        let value = try string(name)
        guard let id = EntityID.normalize(value) else {
            throw error(.invalidValue, "'\(name)' must be an id (a UUID like \(EntityID.example)), found \(JSONQuote.value(value))")
        }
        return id
    }

    /// A non-empty array of at most `maxCount` ids (repeats allowed), each returned in lowercase.
    func identifiers(_ name: String, maxCount: Int) throws(ValidationError) -> [String] {
        guard let field = object[name] else { throw error(.missingField, "missing field '\(name)'") }
        let elements: [JSONValue]
        switch field {
        case .null: throw error(.missingField, "'\(name)' must not be null")
        case .array(let values): elements = values
        default: throw error(.wrongType, "'\(name)' must be an array of ids, found \(field.described)")
        }
        guard !elements.isEmpty else { throw error(.invalidValue, "'\(name)' must not be empty") }
        guard elements.count <= maxCount else {
            throw error(.invalidValue, "'\(name)' must hold at most \(maxCount) ids, found \(elements.count)")
        }
        var ids: [String] = []
        ids.reserveCapacity(elements.count)
        for (offset, element) in elements.enumerated() {
            let position = "'\(name)' element \(offset + 1)"
            guard case .string(let value) = element else {
                throw error(.wrongType, "\(position) must be an id string, found \(element.described)")
            }
            guard let id = EntityID.normalize(value) else {
                throw error(.invalidValue, "\(position) must be an id (a UUID like \(EntityID.example)), found \(JSONQuote.value(value))")
            }
            ids.append(id)
        }
        return ids
    }

    /// A whole number within `range`.
    func integer(_ name: String, in range: ClosedRange<Int>) throws(ValidationError) -> Int {
        guard let field = object[name] else { throw error(.missingField, "missing field '\(name)'") }
        return try integer(field, name: name, in: range)
    }

    /// Like `integer(_:in:)`, but nil when the field is absent or null.
    func optionalInteger(_ name: String, in range: ClosedRange<Int>) throws(ValidationError) -> Int? {
        guard let field = object[name], field != .null else { return nil }
        return try integer(field, name: name, in: range)
    }

    private func integer(_ field: JSONValue, name: String, in range: ClosedRange<Int>) throws(ValidationError) -> Int {
        let expected = "'\(name)' must be a whole number from \(range.lowerBound) to \(range.upperBound)"
        switch field {
        case .number:
            guard let value = field.integer else { throw error(.invalidValue, "\(expected), found \(field.described)") }
            if value < 0 && range.lowerBound >= 0 {
                throw error(.invalidValue, "'\(name)' must not be negative, found \(value)")
            }
            guard range.contains(value) else { throw error(.invalidValue, "\(expected), found \(value)") }
            return value
        case .null: throw error(.missingField, "'\(name)' must not be null")
        default: throw error(.wrongType, "\(expected), found \(field.described)")
        }
    }

    private func string(_ name: String) throws(ValidationError) -> String {
        switch object[name] {
        case nil: throw error(.missingField, "missing field '\(name)'")
        case .null: throw error(.missingField, "'\(name)' must not be null")
        case .string(let value): return value
        case let other?: throw error(.wrongType, "'\(name)' must be a string, found \(other.described)")
        }
    }

    private func checkText(_ value: String, field name: String, maxLength: Int) throws(ValidationError) {
        guard !value.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) else {
            throw error(.invalidValue, "'\(name)' must not be empty")
        }
        let length = value.unicodeScalars.count
        guard length <= maxLength else {
            throw error(.invalidValue, "'\(name)' must be at most \(maxLength) characters, found \(length)")
        }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw error(.invalidValue, "'\(name)' must not contain control characters such as line breaks")
        }
    }

    private func error(_ code: ValidationError.Code, _ text: String) -> ValidationError {
        Self.located(ValidationError(code, text), itemIndex)
    }

    private static func located(_ error: ValidationError, _ index: Int?) -> ValidationError {
        index.map { error.inItem($0) } ?? error
    }
}

extension JSONValue {
    /// How the value reads in an error message: `the string "abc"`, `the number 1.5`, `null`, `an array`.
    var described: String {
        switch self {
        case .null: "null"
        case .bool(let value): "the boolean \(value)"
        case .number(let text): "the number \(integer.map(String.init) ?? double.map { "\($0)" } ?? text)"
        case .string(let value): "the string \(JSONQuote.value(value))"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
