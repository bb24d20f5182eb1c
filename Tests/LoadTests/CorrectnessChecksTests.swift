import ShopDomain
import ShopLoad
import Testing

/// Each check is fed a consistent shop (it passes) and one broken the way the check exists to catch (it fails).
@Suite struct CorrectnessChecksTests {
    static let apple = "p-apple"
    static let pear = "p-pear"

    /// Stock 10 apples and 5 pears; three accepted orders hold 3 apples and 1 pear.
    static func consistent() -> LoadObservations {
        let orders = [
            Order(id: "o1", productIDs: [apple], customerID: "c1"),
            Order(id: "o2", productIDs: [apple, apple, pear], customerID: "c2"),
            Order(id: "o3", productIDs: [], customerID: "c1"),
        ]
        return LoadObservations(
            initialStock: [apple: 10, pear: 5],
            acceptedOrders: Dictionary(uniqueKeysWithValues: orders.map { ($0.id, $0.productIDs) }),
            liveOrders: orders + [Order(id: "older", productIDs: ["p-other"], customerID: "c9")],
            inventory: [Inventory(id: "i1", productID: apple, amount: 7), Inventory(id: "i2", productID: pear, amount: 4),
                        Inventory(id: "i3", productID: "p-other", amount: 1)],
            orderCreatedEvents: 3,
            projectionDifferences: ["order": [], "inventory": []])
    }

    func check(_ name: String, _ observations: LoadObservations) -> CheckResult {
        CorrectnessChecks.all(observations).first { $0.name == name }!
    }

    @Test func aConsistentShopPassesEveryCheck() {
        let results = CorrectnessChecks.all(Self.consistent())
        #expect(results.map(\.name) == ["no-oversell", "stock-conserved", "accepted-orders-listed", "no-event-lost",
                                        "projection-matches-events", "no-server-errors"])
        for result in results {
            #expect(result.passed && !result.skipped, "\(result.name): \(result.detail)")
        }
    }

    @Test func moreAcceptedThanStockIsOversold() {
        var shop = Self.consistent()
        shop.initialStock[Self.pear] = 0
        shop.inventory[1].amount = -1
        let result = check("no-oversell", shop)
        #expect(!result.passed)
        #expect(result.detail.contains("p-pear: 1 accepted of 0"))
    }

    @Test func negativeStockIsOversoldEvenWhenNoOrderShowsIt() {
        var shop = Self.consistent()
        shop.inventory[0].amount = -2
        #expect(!check("no-oversell", shop).passed)
    }

    @Test func liveOrdersHoldingMoreThanStockAreOversold() {
        var shop = Self.consistent()
        shop.liveOrders.append(Order(id: "ghost", productIDs: Array(repeating: Self.pear, count: 5), customerID: "c1"))
        let result = check("no-oversell", shop)
        #expect(!result.passed)
        #expect(result.detail.contains("held by live orders"))
    }

    @Test func stockThatLeakedIsNotConserved() {
        var shop = Self.consistent()
        shop.inventory[0].amount = 6  // one apple gone without an order
        let result = check("stock-conserved", shop)
        #expect(!result.passed)
        #expect(result.detail.contains("p-apple: stock 6, expected 10 − 3 = 7"))
        #expect(check("no-oversell", shop).passed)
    }

    @Test func aDeletedOrderWhoseStockWasNotReleasedIsNotConserved() {
        var shop = Self.consistent()
        shop.liveOrders.removeAll { $0.id == "o1" }
        shop.acceptedOrders["o1"] = nil
        shop.orderCreatedEvents = 2
        #expect(!check("stock-conserved", shop).passed)
    }

    @Test func aMissingInventoryEntryIsNotConserved() {
        var shop = Self.consistent()
        shop.inventory.removeFirst()
        #expect(check("stock-conserved", shop).detail.contains("no inventory entry"))
    }

    @Test func anAcceptedOrderMissingFromTheListFails() {
        var shop = Self.consistent()
        shop.liveOrders.removeAll { $0.id == "o2" }
        let result = check("accepted-orders-listed", shop)
        #expect(!result.passed)
        #expect(result.detail.contains("o2: accepted but not listed"))
    }

    @Test func anOrderListedWithOtherProductsOrTwiceFails() {
        var shop = Self.consistent()
        shop.liveOrders[0].productIDs = [Self.pear]
        #expect(check("accepted-orders-listed", shop).detail.contains("listed with products"))
        var twice = Self.consistent()
        twice.liveOrders.append(twice.liveOrders[0])
        #expect(check("accepted-orders-listed", twice).detail.contains("o1: listed twice"))
    }

    @Test func fewerEventsThanAcceptedOrdersMeansLostEvents() {
        var shop = Self.consistent()
        shop.orderCreatedEvents = 2
        let result = check("no-event-lost", shop)
        #expect(!result.passed)
        #expect(result.detail.contains("1 lost"))
    }

    @Test func moreEventsThanOrdersAreUnexplainedUnlessOrdersWentUnanswered() {
        var shop = Self.consistent()
        shop.orderCreatedEvents = 5
        #expect(!check("no-event-lost", shop).passed)
        shop.unansweredOrders = 2
        #expect(check("no-event-lost", shop).passed)
        shop.orderCreatedEvents = 6
        #expect(!check("no-event-lost", shop).passed)
    }

    @Test func missingDataSkipsAChecksWithoutFailingIt() {
        var shop = Self.consistent()
        shop.orderCreatedEvents = nil
        shop.projectionDifferences = nil
        #expect(check("no-event-lost", shop).skipped)
        #expect(check("projection-matches-events", shop).skipped)
        #expect(CorrectnessChecks.all(shop).allSatisfy { $0.passed })
    }

    @Test func aProjectionThatDriftedFromItsEventsFails() {
        var shop = Self.consistent()
        shop.projectionDifferences = ["inventory": ["changed i1: projection=6 events=7"]]
        let result = check("projection-matches-events", shop)
        #expect(!result.passed)
        #expect(result.detail.contains("inventory: changed i1"))
    }

    @Test func serverErrorsFailTheRun() {
        var shop = Self.consistent()
        shop.serverErrors = 3
        #expect(!check("no-server-errors", shop).passed)
    }

    @Test func aFailedCheckNamesItsFirstOffendersOnly() {
        var shop = Self.consistent()
        shop.initialStock = Dictionary(uniqueKeysWithValues: (0..<20).map { ("p\($0)", 1) })
        let result = check("stock-conserved", shop)
        #expect(!result.passed)
        #expect(result.detail.contains("and 15 more"))
    }

    @Test func summaryPassesOnlyWhenEveryCheckPasses() {
        let good = CorrectnessChecks.all(Self.consistent())
        var broken = Self.consistent()
        broken.orderCreatedEvents = 0
        let bad = CorrectnessChecks.all(broken)
        func summary(_ checks: [CheckResult]) -> LoadSummary {
            LoadSummary(model: "closed", connections: 1, targetRate: nil, mix: "orders=100", durationSeconds: 1,
                        operations: [], checks: checks)
        }
        #expect(summary(good).passed)
        #expect(!summary(bad).passed)
    }
}
