import ShopJSON

/// One entity as the projection holds it: scalar fields and list items as JSON text.
struct ProjectionRecord: Sendable, Equatable {
    /// Scalar fields in entity order (including `id`), values as JSON text.
    var fields: [Field]
    /// List-valued fields, items as JSON text, in schema order.
    var lists: [List]
    /// The value of the topic's unique field, when it has one and it is a string.
    var uniqueValue: String?
    /// The entity's `id`, when it is a string.
    var id: String?

    struct Field: Sendable, Equatable {
        var name: String
        var value: [UInt8]
    }

    struct List: Sendable, Equatable {
        var name: String
        var items: [[UInt8]]
    }

    /// Entities are our own JSON: far shallower than this, which only bounds hostile input.
    static let maxDepth = 512

    /// Splits an entity JSON object by the schema; a list field that is not an array is an error.
    init(entityJSON: [UInt8], schema: TopicSchema) throws(EventStoreError) {
        let value: JSONValue
        do {
            value = try JSONReader.read(entityJSON, maxDepth: Self.maxDepth)
        } catch {
            throw Self.invalid(error.description)
        }
        guard case .object(let object) = value else { throw Self.invalid("not a JSON object") }
        try self.init(object: object, text: entityJSON, schema: schema)
    }

    /// The same, of an object already read from `text` (its members' ranges point into `text`).
    init(object: JSONObject, text: [UInt8], schema: TopicSchema) throws(EventStoreError) {
        var fields: [Field] = []
        var lists: [List] = schema.listFields.map { List(name: $0, items: []) }
        for member in object.members {
            if let listIndex = schema.listFields.firstIndex(of: member.key) {
                guard case .array(let elements) = member.value else { throw Self.invalid("'\(member.key)' is not a JSON array") }
                lists[listIndex].items = elements.map { element in
                    var item: [UInt8] = []
                    JSONWriter.value(element, into: &item, escapingSlash: true)
                    return item
                }
            } else {
                // A scalar keeps its text byte for byte (numbers as written, strings with their escapes).
                fields.append(Field(name: member.key, value: Array(text[member.range])))
                if member.key == schema.uniqueField { uniqueValue = member.value.string }
                if member.key == "id" { id = member.value.string }
            }
        }
        self.fields = fields
        self.lists = lists
    }

    private static func invalid(_ what: String) -> EventStoreError {
        EventStoreError(.corruptEvent, "malformed entity JSON: \(what)")
    }

    /// The entity JSON object again (scalar fields, then lists).
    var json: [UInt8] {
        var writer = JSONWriter()
        for field in fields { writer.field(field.name, json: field.value) }
        for list in lists {
            writer.key(list.name)
            writer.output.append(UInt8(ascii: "["))
            for (index, item) in list.items.enumerated() {
                if index > 0 { writer.output.append(UInt8(ascii: ",")) }
                writer.output += item
            }
            writer.output.append(UInt8(ascii: "]"))
        }
        return writer.finished()
    }

    /// Equal content regardless of the order of scalar fields (a Redis hash has no field order).
    func sameContent(as other: ProjectionRecord) -> Bool {
        guard fields.count == other.fields.count, lists == other.lists else { return false }
        let mine = Dictionary(fields.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        return other.fields.allSatisfy { mine[$0.name] == $0.value }
    }
}
