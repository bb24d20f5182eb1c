import Foundation
import NIOCore
import ShopDomain

/// The steps of `ordershop-client scenario` and what they created, so each later answer can be checked exactly.
///
/// It only looks at its own entities (random names), so it also passes on a stack that already holds data.
struct ScenarioRun {
    let gateway: ScenarioGateway
    static let count = 10
    static let stock = 100

    private(set) var currentStep = 0
    private var steps = 10
    var customers: [Customer] = []
    var products: [Product] = []
    var inventory: [Inventory] = []
    /// Every order as created (the confirmations name these products), and the live ones as they are now.
    var createdOrders: [Order] = []
    var liveOrders: [Order] = []
    var billing: Billing?
    var deletedCustomer: Customer?

    init(gateway: ScenarioGateway) {
        self.gateway = gateway
    }

    /// Runs every step; throws `ScenarioFailure` at the first mismatch.
    mutating func perform(messagesTimeout: Duration) async throws {
        steps = messagesTimeout > .zero ? 11 : 10
        try await createCustomers()
        try await createProducts()
        try await createInventory()
        try await createOrders()
        try await updateSecondOrder()
        try await deleteThirdOrder()
        try await deleteThirdCustomer()
        try await billFirstOrder()
        try await checkUnbilledOrders()
        try await printReport()
        if messagesTimeout > .zero {
            step("waiting up to \(messagesTimeout) for the messages of crm-service and billing-service")
            try await checkMessages(timeout: messagesTimeout)
        }
    }

    mutating func step(_ text: String) {
        currentStep += 1
        print("[\(currentStep)/\(steps)] \(text)")
    }

    mutating func createCustomers() async throws {
        step("create \(Self.count) customers")
        let bodies = (0..<Self.count).map { _ in
            let name = Self.randomName()
            return ["name": name.prefix(1).uppercased() + name.dropFirst(), "email": "\(name)@server.com"]
        }
        let ids = try await created("/customers", bodies)
        customers = zip(ids, bodies).map { Customer(id: $0, name: $1["name"] ?? "", email: $1["email"] ?? "") }
        try expectListed(customers, in: try await gateway.get("/customers", as: [Customer].self), "GET /customers")
    }

    mutating func createProducts() async throws {
        step("create \(Self.count) products")
        let bodies = (0..<Self.count).map { _ in
            let name = Self.randomName()
            return ProductBody(name: name.prefix(1).uppercased() + name.dropFirst(), price: Int.random(in: 10...1000))
        }
        let ids = try await created("/products", bodies)
        products = zip(ids, bodies).map { Product(id: $0, name: $1.name, price: $1.price) }
        try expectListed(products, in: try await gateway.get("/products", as: [Product].self), "GET /products")
    }

    mutating func createInventory() async throws {
        step("stock \(Self.stock) of each product")
        let bodies = products.map { InventoryBody(product_id: $0.id, amount: Self.stock) }
        let ids = try await created("/inventory", bodies)
        inventory = zip(ids, bodies).map { Inventory(id: $0, productID: $1.product_id, amount: $1.amount) }
        try expectListed(inventory, in: try await gateway.get("/inventory", as: [Inventory].self), "GET /inventory")
    }

    mutating func createOrders() async throws {
        step("create \(Self.count) orders of 1 to 10 random products, one request each")
        for _ in 0..<Self.count {
            let productIDs = (0..<Int.random(in: 1...10)).map { _ in products.randomElement()!.id }
            let body = OrderBody(product_ids: productIDs, customer_id: customers.randomElement()!.id)
            let ids = try await created("/orders", body, expecting: 1)
            createdOrders.append(Order(id: ids[0], productIDs: productIDs, customerID: body.customer_id))
        }
        liveOrders = createdOrders
        try expectListed(liveOrders, in: try await gateway.get("/orders", as: [Order].self), "GET /orders")
        try await expectStock(after: "the orders")
    }

    mutating func updateSecondOrder() async throws {
        step("update the second order's first product")
        var order = liveOrders[1]
        order.productIDs[0] = products.filter { $0.id != order.productIDs[0] }.randomElement()!.id
        try await gateway.put("/order/\(order.id)", order)
        liveOrders[1] = order
        let read = try await gateway.get("/order/\(order.id)", as: Order?.self)
        try expect(read == order, "GET /order/\(order.id) answered \(String(describing: read)), expected \(order)")
        try await expectStock(after: "the update")
    }

    mutating func deleteThirdOrder() async throws {
        step("delete the third order")
        let order = liveOrders.remove(at: 2)
        try await gateway.delete("/order/\(order.id)")
        let read = try await gateway.get("/order/\(order.id)", as: Order?.self)
        try expect(read == nil, "GET /order/\(order.id) of a deleted order answered \(String(describing: read)), expected null")
        try expectListed(liveOrders, in: try await gateway.get("/orders", as: [Order].self), "GET /orders")
        try await expectStock(after: "the deletion")
    }

    mutating func deleteThirdCustomer() async throws {
        step("delete the third customer")
        let customer = customers[2]
        try await gateway.delete("/customer/\(customer.id)")
        deletedCustomer = customer
        let read = try await gateway.get("/customer/\(customer.id)", as: Customer?.self)
        try expect(read == nil, "GET /customer/\(customer.id) of a deleted customer answered \(String(describing: read)), expected null")
        let live = customers.filter { $0.id != customer.id }
        try expectListed(live, in: try await gateway.get("/customers", as: [Customer].self), "GET /customers")
    }

    mutating func billFirstOrder() async throws {
        step("bill the first order")
        let order = liveOrders[0]
        let ids = try await created("/billing", ["order_id": order.id], expecting: 1)
        let now = Int(Date().timeIntervalSince1970)
        guard let read = try await gateway.get("/billing/\(ids[0])", as: Billing?.self) else {
            throw ScenarioFailure("GET /billing/\(ids[0]) answered null right after the billing was created")
        }
        try expect(read.orderID == order.id && abs(read.done - now) < 600,
                   "GET /billing/\(ids[0]) answered \(read), expected order_id \(order.id) and done near \(now)")
        billing = read
    }

    mutating func checkUnbilledOrders() async throws {
        step("expect \(liveOrders.count - 1) unbilled orders")
        let unbilled = try await gateway.get("/orders/unbilled", as: [Order].self)
        let expected = Array(liveOrders.dropFirst())
        let ours = Set(liveOrders.map(\.id))
        let found = unbilled.filter { ours.contains($0.id) }
        try expect(found == expected, "GET /orders/unbilled lists \(found.count) of our orders, expected \(expected.count): "
                   + "\(found.map(\.id)) instead of \(expected.map(\.id))")
        print("    \(found.count) of our orders unbilled (\(unbilled.count) in all)")
    }

    mutating func printReport() async throws {
        step("print the report")
        let report = try await gateway.get("/report", as: Report.self)
        try expectListed(customers.filter { $0.id != deletedCustomer?.id }, in: report.customers, "GET /report customers")
        try expectListed(products, in: report.products, "GET /report products")
        try expectListed(liveOrders, in: report.orders, "GET /report orders")
        try expectListed(billing.map { [$0] } ?? [], in: report.billings, "GET /report billings")
        print(try Self.lines(of: try await gateway.raw("/report")))
    }

    /// The report as JSON, one entity a line under its section, so a long report stays readable.
    static func lines(of report: ByteBuffer) throws -> String {
        guard let sections = try JSONSerialization.jsonObject(with: Data(report.readableBytesView)) as? [String: Any] else {
            throw ScenarioFailure("GET /report did not answer a JSON object")
        }
        var text = "{\n"
        for (index, name) in sections.keys.sorted().enumerated() {
            let entities = sections[name] as? [Any] ?? []
            text += "  \"\(name)\": ["
            for (position, entity) in entities.enumerated() {
                let line = try JSONSerialization.data(withJSONObject: entity, options: [.sortedKeys, .withoutEscapingSlashes])
                text += "\n    " + String(decoding: line, as: UTF8.self) + (position < entities.count - 1 ? "," : "")
            }
            text += (entities.isEmpty ? "]" : "\n  ]") + (index < sections.count - 1 ? ",\n" : "\n")
        }
        return text + "}"
    }

    // MARK: checks

    /// POSTs `body` and checks the answer is one new id per entity.
    private func created(_ path: String, _ body: some Encodable, expecting count: Int = ScenarioRun.count) async throws -> [String] {
        let ids = try await gateway.post(path, body, as: [String].self)
        try expect(ids.count == count && Set(ids).count == count, "POST \(path) answered \(ids.count) ids, expected \(count) distinct ones")
        return ids
    }

    /// Our entities must all be listed, equal to what we wrote, in creation order.
    private func expectListed<E: Entity>(_ expected: [E], in listed: [E], _ request: String) throws {
        let ours = Set(expected.map(\.id))
        let found = listed.filter { ours.contains($0.id) }
        guard found == expected else {
            let missing = expected.filter { entity in !found.contains(entity) }.map(\.id)
            throw ScenarioFailure("\(request): expected our \(expected.count) entities in creation order, found \(found.count)"
                                  + (missing.isEmpty ? " in another order or changed" : "; missing or changed: \(missing)"))
        }
    }

    /// The stock of each product is 100 less the items of the live orders.
    private func expectStock(after what: String) async throws {
        let listed = try await gateway.get("/inventory", as: [Inventory].self)
        for entry in inventory {
            let ordered = liveOrders.reduce(0) { $0 + $1.productIDs.filter { $0 == entry.productID }.count }
            let amount = listed.first { $0.id == entry.id }?.amount
            try expect(amount == Self.stock - ordered,
                       "after \(what), GET /inventory shows \(amount.map(String.init) ?? "no entry") for product \(entry.productID), "
                       + "expected \(Self.stock - ordered) (\(ordered) ordered)")
        }
    }

    func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        guard condition else { throw ScenarioFailure(message()) }
    }

    static func randomName() -> String {
        String((0..<10).map { _ in "abcdefghijklmnopqrstuvwxyz".randomElement()! })
    }
}

/// `GET /report`.
struct Report: Decodable {
    var products: [Product]
    var inventory: [Inventory]
    var customers: [Customer]
    var orders: [Order]
    var billings: [Billing]
}

struct ProductBody: Encodable { var name: String; var price: Int }
struct InventoryBody: Encodable { var product_id: String; var amount: Int }
struct OrderBody: Encodable { var product_ids: [String]; var customer_id: String }
