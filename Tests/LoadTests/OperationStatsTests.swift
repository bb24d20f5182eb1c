import ShopLoad
import Testing

@Suite struct OperationStatsTests {
    @Test func percentilesComeFromTheRecordedLatencies() {
        var stats = OperationStats()
        for millisecond in 1...1000 {
            stats.record(latency: .milliseconds(millisecond), status: 200, outcome: .ok)
        }
        let summary = stats.summary(of: .orders, elapsed: .seconds(2))
        // HdrHistogram with three significant digits: each value within 0.1 %.
        #expect(abs(summary.latency.p50 - 500) <= 0.5)
        #expect(abs(summary.latency.p90 - 900) <= 0.9)
        #expect(abs(summary.latency.p99 - 990) <= 1)
        #expect(abs(summary.latency.p999 - 999) <= 1)
        #expect(abs(summary.latency.max - 1000) <= 1)
        #expect(summary.requests == 1000)
        #expect(summary.requestsPerSecond == 500)
        #expect(summary.okPerSecond == 500)
    }

    @Test func aSlowTailShowsInTheHighPercentilesOnly() {
        var stats = OperationStats()
        for _ in 0..<990 { stats.record(latency: .microseconds(800), status: 200, outcome: .ok) }
        for _ in 0..<10 { stats.record(latency: .milliseconds(250), status: 200, outcome: .ok) }
        let latency = stats.summary(of: .reads, elapsed: .seconds(1)).latency
        #expect(latency.p50 < 1)
        #expect(latency.p90 < 1)
        #expect(latency.p99 < 1)
        #expect(latency.p999 > 249)
        #expect(latency.max > 249)
    }

    @Test func outcomesAndStatusesAreCounted() {
        var stats = OperationStats()
        stats.record(latency: .milliseconds(1), status: 201, outcome: LoadOperation.orders.outcome(status: 201))
        stats.record(latency: .milliseconds(1), status: 409, outcome: LoadOperation.orders.outcome(status: 409))
        stats.record(latency: .milliseconds(1), status: 409, outcome: LoadOperation.orders.outcome(status: 409))
        stats.record(latency: .milliseconds(1), status: 503, outcome: LoadOperation.orders.outcome(status: 503))
        stats.record(latency: .seconds(10), status: nil, outcome: .failed)
        let summary = stats.summary(of: .orders, elapsed: .seconds(1))
        #expect(summary.statusCounts == ["201": 1, "409": 2, "503": 1, OperationStats.transportErrorKey: 1])
        #expect((summary.ok, summary.refused, summary.failed) == (1, 2, 2))
        #expect(summary.okPerSecond == 1)
    }

    @Test func aConflictIsARefusalOnlyForOrders() {
        #expect(LoadOperation.orders.outcome(status: 409) == .refused)
        #expect(LoadOperation.reads.outcome(status: 409) == .failed)
        #expect(LoadOperation.report.outcome(status: 200) == .ok)
        #expect(LoadOperation.orders.outcome(status: 422) == .failed)
    }

    @Test func mergingAddsEverything() {
        var first = OperationStats()
        var second = OperationStats()
        first.record(latency: .milliseconds(2), status: 200, outcome: .ok)
        second.record(latency: .milliseconds(40), status: 500, outcome: .failed)
        first.merge(second)
        #expect(first.count == 2)
        #expect(first.statusCounts == ["200": 1, "500": 1])
        #expect(first.latencyMilliseconds(atPercentile: 100) >= 39.9)
    }

    @Test func nothingRecordedReportsZeroes() {
        let summary = OperationStats().summary(of: .report, elapsed: .zero)
        #expect(summary.latency == LatencySummary(p50: 0, p90: 0, p99: 0, p999: 0, max: 0))
        #expect(summary.requests == 0)
    }

    @Test func latenciesBeyondAMinuteAreClampedNotLost() {
        var stats = OperationStats()
        stats.record(latency: .seconds(3600), status: nil, outcome: .failed)
        #expect(stats.count == 1)
        #expect(stats.latencyMilliseconds(atPercentile: 100) >= 59_000)
    }
}
