/// One entity as the projection holds it: scalar fields and list items as JSON text.
struct ProjectionRecord: Sendable, Equatable {
    /// Scalar fields in entity order (including `id`), values as JSON text.
    var fields: [Field]
    /// List-valued fields, items as JSON text, in schema order.
    var lists: [List]
    /// The value of the topic's unique field, when it has one and it is a string.
    var uniqueValue: String?

    struct Field: Sendable, Equatable {
        var name: String
        var value: [UInt8]
    }

    struct List: Sendable, Equatable {
        var name: String
        var items: [[UInt8]]
    }

    /// Splits an entity JSON object by the schema; a list field that is not an array is an error.
    init(entityJSON: ArraySlice<UInt8>, schema: TopicSchema) throws(EventStoreError) {
        var fields: [Field] = []
        var lists: [List] = schema.listFields.map { List(name: $0, items: []) }
        var uniqueValue: String?
        for member in try RawJSON.members(of: entityJSON) {
            if let listIndex = schema.listFields.firstIndex(of: member.key) {
                lists[listIndex].items = try RawJSON.elements(of: member.value).map(Array.init)
            } else {
                fields.append(Field(name: member.key, value: Array(member.value)))
                if member.key == schema.uniqueField {
                    uniqueValue = RawJSON.string(member.value)
                }
            }
        }
        self.fields = fields
        self.lists = lists
        self.uniqueValue = uniqueValue
    }

    /// The entity JSON object again (scalar fields, then lists).
    var json: [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        var first = true
        for field in fields {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out += RawJSON.encode(field.name)
            out.append(UInt8(ascii: ":"))
            out += field.value
        }
        for list in lists {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out += RawJSON.encode(list.name)
            out += [UInt8(ascii: ":"), UInt8(ascii: "[")]
            for (index, item) in list.items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out += item
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Equal content regardless of the order of scalar fields (a Redis hash has no field order).
    func sameContent(as other: ProjectionRecord) -> Bool {
        guard fields.count == other.fields.count, lists == other.lists else { return false }
        let mine = Dictionary(fields.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        return other.fields.allSatisfy { mine[$0.name] == $0.value }
    }
}
