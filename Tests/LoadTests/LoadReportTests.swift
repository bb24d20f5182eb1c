import Foundation
import ShopLoad
import Testing

@Suite struct LoadReportTests {
    func sampleSummary() -> LoadSummary {
        var orders = OperationStats()
        for millisecond in 1...100 { orders.record(latency: .milliseconds(millisecond), status: 201, outcome: .ok) }
        orders.record(latency: .milliseconds(3), status: 409, outcome: .refused)
        return LoadSummary(model: "open", connections: 16, targetRate: 500, mix: "orders=100", durationSeconds: 10,
                           operations: [orders.summary(of: .orders, elapsed: .seconds(10))],
                           checks: [CheckResult(name: "stock-conserved", passed: true, detail: "fine"),
                                    .skipped("projection-matches-events", because: "no --redis-url")])
    }

    @Test func textShowsThroughputPercentilesStatusesAndChecks() {
        let text = LoadReport.text(sampleSummary())
        #expect(text.contains("open model, 16 connections, target 500 req/s, mix orders=100, 10.0 s"))
        #expect(text.contains("p99.9 ms"))
        #expect(text.contains("orders statuses: 201=100 409=1 (ok=100 refused=1 failed=0)"))
        #expect(text.contains("PASS stock-conserved: fine"))
        #expect(text.contains("SKIP projection-matches-events"))
        #expect(text.hasSuffix("all checks passed"))
        let row = text.split(separator: "\n").first { $0.hasPrefix("orders ") }
        #expect(row?.contains("10.1") == true)  // 101 requests in 10 s
    }

    @Test func unsentRequestsAreReported() {
        var summary = sampleSummary()
        #expect(!LoadReport.text(summary).contains("never sent"))
        summary.unsent = 1234
        #expect(LoadReport.text(summary).contains("1234 requests fell due but were never sent"))
    }

    @Test func jsonRoundTripsAndCarriesTheVerdict() throws {
        var summary = sampleSummary()
        summary.unsent = 7
        let json = try LoadReport.json(summary)
        #expect(json.contains(#""passed" : true"#))
        #expect(json.contains(#""p99_9_ms""#))
        let decoded = try JSONDecoder().decode(LoadSummary.self, from: Data(json.utf8))
        #expect(decoded == summary)
    }

    @Test func progressLineCarriesRateErrorsAndP99() {
        let line = LoadReport.progressLine(elapsed: .seconds(3), requests: 6000, intervalRate: 2012.4, errors: 2,
                                           p99Milliseconds: 7.125)
        #expect(line == "[  3 s]   2012 req/s  total=6000  errors=2  p99=7.13 ms" || line == "[  3 s]   2012 req/s  total=6000  errors=2  p99=7.12 ms")
        let open = LoadReport.progressLine(elapsed: .seconds(1), requests: 90, intervalRate: 90, errors: 0,
                                           p99Milliseconds: 1, behind: 10)
        #expect(open.hasSuffix("p99=1.00 ms  behind=10"))
    }
}

@Suite struct SummaryLineTests {
    @Test func fillsTheBenchmarkLinesFromTheFirstOperation() throws {
        var stats = OperationStats()
        for _ in 0..<900 { stats.record(latency: .microseconds(800), status: 201, outcome: .ok) }
        for _ in 0..<100 { stats.record(latency: .milliseconds(12), status: 409, outcome: .refused) }
        let orders = stats.summary(of: .orders, elapsed: .seconds(10))
        let line = try SummaryLine(template: "orders-c16: ok={ok_rate}/s p50={p50} ms p99={p99} ms")
        // HdrHistogram keeps three significant digits: 12 ms may come back as 12.00 or 12.01.
        let rendered = line.render(orders)
        #expect(rendered.hasPrefix("orders-c16: ok=90/s p50=0.80 ms p99=12.0"), "\(rendered)")
        #expect(rendered.hasSuffix(" ms") && rendered.count == "orders-c16: ok=90/s p50=0.80 ms p99=12.00 ms".count)
        let reads = try SummaryLine(template: "reads: {rate} req/s {requests} {ok} {refused} {failed}")
        #expect(reads.render(orders) == "reads: 100 req/s 1000 900 100 0")
    }

    @Test func fillsNamedOperationsAndTotalsFromARun() throws {
        var orders = OperationStats(), reads = OperationStats()
        for _ in 0..<600 { orders.record(latency: .milliseconds(2), status: 200, outcome: .ok) }
        for _ in 0..<300 { reads.record(latency: .milliseconds(20), status: 200, outcome: .ok) }
        let summary = LoadSummary(model: "closed", connections: 16, targetRate: nil, mix: "mixed", durationSeconds: 10,
                                  operations: [orders.summary(of: .orders, elapsed: .seconds(10)), reads.summary(of: .reads, elapsed: .seconds(10))],
                                  checks: [], unsent: 0)
        let line = try SummaryLine(template: "mixed: orders ok={orders.ok_rate}/s p99={orders.p99} ms reads p50={reads.p50} ms report p50={report.p50} ms total={total.rate} req/s first={rate}")
        #expect(line.render(summary) == "mixed: orders ok=60/s p99=2.00 ms reads p50=20.00 ms report p50=0.00 ms total=90 req/s first=60")
    }

    @Test(arguments: ["ok={okrate}", "p99={p99", "{}", "{P99}", "{total.p99}", "{writes.p50}", "{orders.}"])
    func unknownOrBrokenPlaceholdersAreRefused(template: String) {
        #expect(throws: LoadError.self) { try SummaryLine(template: template) }
    }

    @Test func plainTextIsAValidTemplate() throws {
        #expect(try SummaryLine(template: "no placeholders").render(OperationStats().summary(of: .reads, elapsed: .zero))
                == "no placeholders")
    }
}

@Suite struct LoadFixtureTests {
    let fixture = LoadFixture(customerIDs: ["c0", "c1"], productIDs: ["p0", "p1", "p2"],
                              initialStock: ["p0": 5, "p1": 5, "p2": 5], itemsPerOrder: 2)

    @Test func ordersCycleThroughProductsAndCustomersEvenly() {
        #expect(fixture.orderProducts(ticket: 0) == ["p0", "p1"])
        #expect(fixture.orderProducts(ticket: 1) == ["p2", "p0"])
        #expect(fixture.orderProducts(ticket: 2) == ["p1", "p2"])
        #expect((0..<6).map(fixture.customer(ticket:)) == ["c0", "c1", "c0", "c1", "c0", "c1"])
        var units: [String: Int] = [:]
        for ticket in 0..<300 { for product in fixture.orderProducts(ticket: ticket) { units[product, default: 0] += 1 } }
        #expect(units == ["p0": 200, "p1": 200, "p2": 200])
    }

    @Test func orderJSONIsWhatTheGatewayTakes() throws {
        let json = LoadFixture.orderJSON(products: ["p0", "p0"], customer: "c1")
        #expect(json == #"{"product_ids":["p0","p0"],"customer_id":"c1"}"#)
        let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect(decoded?["product_ids"] as? [String] == ["p0", "p0"])
    }

    @Test func quotingEscapesWhatJSONRequires() throws {
        let hostile = "a\"b\\c\nd\u{01}é"
        let quoted = LoadFixture.quoted(hostile)
        #expect(quoted == #""a\"b\\c\u000ad\u0001é""#)
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(quoted)]".utf8)) as? [String]
        #expect(decoded == [hostile])
    }
}
