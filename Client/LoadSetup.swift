import Logging
import ShopLoad

/// Creates a run's own customers, products and stock through the public API, and optionally orders before the run.
struct LoadSetup: Sendable {
    /// Entities per POST (the API takes arrays; this keeps bodies far below the gateway's limit).
    static let batchSize = 100

    let gateway: LoadGateway
    let logger: Logger

    /// Customers, products and one inventory entry per product with `stock` units each.
    func makeFixture(customers: Int, products: Int, stock: Int, itemsPerOrder: Int, tag: String) async throws(LoadError) -> LoadFixture {
        let customerIDs = try await create("/customers", count: customers) { index in
            "{\"name\":\"load \(tag) customer \(index)\",\"email\":\"load-\(tag)-\(index)@example.com\"}"
        }
        let productIDs = try await create("/products", count: products) { index in
            "{\"name\":\"load \(tag) product \(index)\",\"price\":\(100 + index)}"
        }
        _ = try await create("/inventory", count: products) { index in
            "{\"product_id\":\(LoadFixture.quoted(productIDs[index])),\"amount\":\(stock)}"
        }
        logger.info("set up", metadata: ["load.customers": "\(customers)", "load.products": "\(products)", "load.stock": "\(stock)"])
        return LoadFixture(customerIDs: customerIDs, productIDs: productIDs,
                           initialStock: Dictionary(uniqueKeysWithValues: productIDs.map { ($0, stock) }),
                           itemsPerOrder: itemsPerOrder)
    }

    /// Places `count` orders before the run (e.g. 300 for the reads benchmark): order id → product ids.
    func preloadOrders(_ count: Int, fixture: LoadFixture) async throws(LoadError) -> [String: [String]] {
        var placed: [String: [String]] = [:]
        var products: [[String]] = []
        let ids = try await create("/orders", count: count) { index in
            let items = fixture.orderProducts(ticket: index)
            products.append(items)
            return LoadFixture.orderJSON(products: items, customer: fixture.customer(ticket: index))
        }
        for (id, items) in zip(ids, products) { placed[id] = items }
        return placed
    }

    /// POSTs `count` entities in batches; the ids in creation order.
    private func create(_ path: String, count: Int, body: (Int) -> String) async throws(LoadError) -> [String] {
        var ids: [String] = []
        ids.reserveCapacity(count)
        var start = 0
        while start < count {
            let end = min(count, start + Self.batchSize)
            let json = "[" + (start..<end).map(body).joined(separator: ",") + "]"
            let created: [String]
            do throws(LoadError) {
                created = try GatewayJSON.ids(try await gateway.require(.POST, path, json: json))
            } catch {
                throw LoadError(.setupFailed, "setting up \(path) failed: \(error.message)")
            }
            guard created.count == end - start else {
                throw LoadError(.setupFailed, "POST \(path) of \(end - start) entities answered \(created.count) ids")
            }
            ids += created
            start = end
        }
        return ids
    }
}
