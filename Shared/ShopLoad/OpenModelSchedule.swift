/// The open model's timetable: request `n` is due `n / rate` seconds after the start, whether or not earlier
/// requests have come back.
///
/// Latency is measured from the due time, not from the moment the request could finally be sent, so a stalled
/// server shows up as the latency every waiting user sees (the correction for coordinated omission).
public struct OpenModelSchedule: Sendable, Equatable {
    /// The highest rate accepted (requests per second).
    public static let maxRate = 1_000_000.0

    /// Requests per second.
    public let rate: Double

    /// A schedule of `rate` requests per second; throws for a rate that is not a positive finite number.
    public init(rate: Double) throws(LoadError) {
        guard rate.isFinite, rate > 0, rate <= Self.maxRate else {
            throw LoadError(.invalidOption, "--rate must be a number of requests per second above 0 and at most \(Int(Self.maxRate))")
        }
        self.rate = rate
    }

    /// When request `index` is due, counted from the start of the run.
    public func dueOffset(of index: Int) -> Duration {
        let nanoseconds = (Double(index) * 1e9 / rate).rounded()
        return .nanoseconds(Int64(nanoseconds))
    }

    /// How many requests fall due before `elapsed` has passed since the start.
    public func dueCount(within elapsed: Duration) -> Int {
        guard elapsed > .zero else { return 0 }
        let seconds = elapsed.secondsDouble
        // The smallest n whose due time is at or past `elapsed` is the count of those before it.
        var count = Int((seconds * rate).rounded(.up))
        while count > 0, dueOffset(of: count - 1) >= elapsed { count -= 1 }
        while dueOffset(of: count) < elapsed { count += 1 }
        return count
    }

    /// The latency the user of request `index` saw: completion minus due time, never negative.
    public func correctedLatency(of index: Int, completedAt elapsed: Duration) -> Duration {
        max(.zero, elapsed - dueOffset(of: index))
    }
}
