import ShopLoad
import Testing

@Suite struct OpenModelScheduleTests {
    @Test func requestsFallDueEvenlyAtTheRate() throws {
        let schedule = try OpenModelSchedule(rate: 1000)
        #expect(schedule.dueOffset(of: 0) == .zero)
        #expect(schedule.dueOffset(of: 1) == .milliseconds(1))
        #expect(schedule.dueOffset(of: 2500) == .milliseconds(2500))
        let third = try OpenModelSchedule(rate: 3)
        #expect(third.dueOffset(of: 1) == .nanoseconds(333_333_333))
        #expect(third.dueOffset(of: 3) == .seconds(1))
    }

    @Test func dueCountCountsRequestsStrictlyBeforeTheInstant() throws {
        let schedule = try OpenModelSchedule(rate: 1000)
        #expect(schedule.dueCount(within: .zero) == 0)
        #expect(schedule.dueCount(within: .nanoseconds(1)) == 1)  // request 0 is due at 0
        #expect(schedule.dueCount(within: .milliseconds(1)) == 1)
        #expect(schedule.dueCount(within: .microseconds(1001)) == 2)
        #expect(schedule.dueCount(within: .seconds(10)) == 10_000)
        let odd = try OpenModelSchedule(rate: 7)
        for milliseconds in stride(from: 1, through: 3000, by: 37) {
            let elapsed = Duration.milliseconds(milliseconds)
            let count = odd.dueCount(within: elapsed)
            #expect(odd.dueOffset(of: count - 1) < elapsed)
            #expect(odd.dueOffset(of: count) >= elapsed)
        }
    }

    @Test func latencyIsMeasuredFromTheDueTimeNotTheSendTime() throws {
        // A server that stalls for one second at a rate of 100/s: request 50 was due at 0.5 s and came back at
        // 1.2 s; its user waited 700 ms, however quickly the server answered once it got to it.
        let schedule = try OpenModelSchedule(rate: 100)
        #expect(schedule.correctedLatency(of: 50, completedAt: .milliseconds(1200)) == .milliseconds(700))
        #expect(schedule.correctedLatency(of: 50, completedAt: .milliseconds(400)) == .zero)
    }

    @Test(arguments: [0.0, -5, .infinity, .nan, 2_000_000])
    func badRatesAreRefused(rate: Double) {
        #expect(throws: LoadError(.invalidOption, "--rate must be a number of requests per second above 0 and at most 1000000")) {
            try OpenModelSchedule(rate: rate)
        }
    }

    @Test func durationConversions() {
        #expect(Duration.milliseconds(1500).secondsDouble == 1.5)
        #expect(Duration.microseconds(1234).microseconds == 1234)
        #expect(Duration.nanoseconds(999).microseconds == 0)
        #expect((Duration.zero - .milliseconds(3)).microseconds == 0)
    }
}
