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

    @Test func jsonRoundTripsAndCarriesTheVerdict() throws {
        let summary = sampleSummary()
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
    }
}
