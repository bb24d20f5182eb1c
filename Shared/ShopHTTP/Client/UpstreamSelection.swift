// ShopHTTP/Client: the keep-alive HTTP/1.1 client for service-to-service calls and its bounded connection pool.

/// Which instance of an upstream the next request goes to: round robin over the instances, those that recently
/// refused a connection last. A value without I/O; `HTTPClient` keeps it behind a mutex.
struct UpstreamSelection: Sendable {
    /// How long an instance that refused a connection is tried only after every other one.
    let skipFor: Duration
    private var next = 0
    private var downUntil: [ContinuousClock.Instant?]

    init(instances: Int, skipFor: Duration = .seconds(1)) {
        self.skipFor = skipFor
        self.downUntil = Array(repeating: nil, count: max(1, instances))
    }

    var count: Int { downUntil.count }

    /// The instances to try for one request, in order: those not marked down, taking turns, then the marked ones
    /// (when every instance is marked down, one may have come back: it is still tried, last).
    mutating func order(now: ContinuousClock.Instant) -> [Int] {
        let start = next
        next = (next + 1) % count
        var up: [Int] = []
        var down: [Int] = []
        for offset in 0..<count {
            let index = (start + offset) % count
            if let until = downUntil[index], until > now { down.append(index) } else { up.append(index) }
        }
        return up + down
    }

    /// Instance `index` refused a connection: it goes to the back of the order for `skipFor`.
    mutating func markDown(_ index: Int, now: ContinuousClock.Instant) {
        downUntil[index] = now + skipFor
    }

    /// Instance `index` answered: it takes its turns again.
    mutating func markUp(_ index: Int) {
        downUntil[index] = nil
    }

    /// Whether `index` is marked down at `now`.
    func isDown(_ index: Int, now: ContinuousClock.Instant) -> Bool {
        downUntil[index].map { $0 > now } ?? false
    }
}
