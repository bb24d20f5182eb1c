import Foundation
import Testing
import ShopDomain

/// The entities' JSON is the public API's and the events': the exact keys of the original, nothing else.
@Suite struct EntityCodingTests {
    private func keysAndValues(_ value: some Encodable) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(value))
        return try #require(object as? [String: Any])
    }

    @Test func customerKeys() throws {
        let json = try keysAndValues(Customer(id: uuidA, name: "Ann", email: "a@x.io"))
        #expect(Set(json.keys) == ["id", "name", "email"])
        #expect(json["email"] as? String == "a@x.io")
    }

    @Test func productKeysWithAnIntegerPrice() throws {
        let data = try JSONEncoder().encode(Product(id: uuidA, name: "Pen", price: 42))
        #expect(String(decoding: data, as: UTF8.self).contains(#""price":42"#))
        #expect(Set(try keysAndValues(Product(id: uuidA, name: "Pen", price: 42)).keys) == ["id", "name", "price"])
    }

    @Test func inventoryKeys() throws {
        let json = try keysAndValues(Inventory(id: uuidA, productID: uuidB, amount: 7))
        #expect(Set(json.keys) == ["id", "product_id", "amount"])
        #expect(json["product_id"] as? String == uuidB)
    }

    @Test func orderKeys() throws {
        let json = try keysAndValues(Order(id: uuidA, productIDs: [uuidB, uuidB], customerID: uuidA))
        #expect(Set(json.keys) == ["id", "product_ids", "customer_id"])
        #expect(json["product_ids"] as? [String] == [uuidB, uuidB])
    }

    @Test func billingKeys() throws {
        let json = try keysAndValues(Billing(id: uuidA, orderID: uuidB, done: 1_548_699_679))
        #expect(Set(json.keys) == ["id", "order_id", "done"])
        #expect(json["done"] as? Int == 1_548_699_679)
    }

    @Test func entitiesRoundTrip() throws {
        let order = Order(id: uuidA, productIDs: [uuidB, uuidA, uuidB], customerID: uuidB)
        #expect(try JSONDecoder().decode(Order.self, from: JSONEncoder().encode(order)) == order)
        let billing = Billing(id: uuidA, orderID: uuidB, done: 3)
        #expect(try JSONDecoder().decode(Billing.self, from: JSONEncoder().encode(billing)) == billing)
    }

    @Test func readsTheOriginalsEventJSON() throws {
        let json = #"{"id": "\#(uuidA)", "product_ids": ["\#(uuidB)"], "customer_id": "\#(uuidB)"}"#
        #expect(try JSONDecoder().decode(Order.self, from: Data(json.utf8)) == Order(id: uuidA, productIDs: [uuidB], customerID: uuidB))
    }

    @Test func projectionMetadata() {
        #expect(Topic.allCases.map(\.rawValue) == ["customer", "product", "inventory", "order", "billing"])
        #expect([Customer.topic, Product.topic, Inventory.topic, Order.topic, Billing.topic] == Topic.allCases)
        #expect(Order.listFields == ["product_ids"])
        #expect(Customer.listFields.isEmpty && Product.listFields.isEmpty && Inventory.listFields.isEmpty && Billing.listFields.isEmpty)
        #expect(Inventory.uniqueField == "product_id")
        #expect(Billing.uniqueField == "order_id")
        #expect(Customer.uniqueField == nil && Product.uniqueField == nil && Order.uniqueField == nil)
        #expect(ProductDraft.integerFields == ["price"] && InventoryDraft.integerFields == ["amount"])
    }
}

@Suite("Entities: JSON written with ShopJSON, byte for byte as JSONEncoder with sorted keys writes it, and read back")
struct EntityJSONTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    static let texts = ["plain", "a/b", "a\"b", "a\\b", "Zoë 🚀", "</script>", "tab\there"]

    @Test(arguments: texts)
    func sameBytesAsTheEncoder(text: String) throws {
        let entities: [any Entity] = [
            Customer(id: EntityID.make(), name: text, email: text), Product(id: text, name: text, price: -3),
            Inventory(id: text, productID: text, amount: 7), Order(id: text, productIDs: [text, "p", text], customerID: text),
            Order(id: "o", productIDs: [], customerID: "c"), Billing(id: text, orderID: text, done: 1_700_000_000),
        ]
        for entity in entities {
            let direct = entity.json
            #expect(direct == Array(try Self.encoder.encode(entity)), "\(String(decoding: direct, as: UTF8.self))")
            #expect(try Self.roundTrip(entity), "\(entity)")
        }
    }

    static func roundTrip<E: Entity>(_ entity: E) throws -> Bool {
        try E(jsonBytes: entity.json) == entity
    }
}
