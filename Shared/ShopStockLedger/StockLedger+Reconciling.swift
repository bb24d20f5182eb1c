import ShopBasics
import ShopEventStore
import ShopRedis

extension StockLedger {
    /// Releases reservations older than `olderThan` whose order does not exist (a crash between reserving and
    /// writing the order). Only reservations made after `checkedThrough` (Unix ms; nil: all) are looked at, a page
    /// at a time with one existence check per page, so a pass never sends Redis a command over every live order.
    /// Returns how many it released, and the time through which every reservation has now been checked: a
    /// reservation's time is when it was taken, so none can appear before that mark later.
    public func reconcile(olderThan age: Duration, checkedThrough: Int64? = nil, pageSize: Int = 256) async throws
        -> (released: Int, checkedThrough: Int64) {
        try await reconcile(olderThan: age, checkedThrough: checkedThrough, pageSize: pageSize) { orderIDs in
            try await store.exists(.order, ids: orderIDs)
        }
    }

    /// `reconcile`, with the orders' existence told by `ordersExist` (tests pass their own).
    public func reconcile(olderThan age: Duration, checkedThrough: Int64? = nil, pageSize: Int = 256,
                          ordersExist: @Sendable ([String]) async throws -> [Bool]) async throws -> (released: Int, checkedThrough: Int64) {
        let time = try await store.redis.send("TIME")
        guard let parts = time.array, parts.count == 2, let seconds = parts[0].int, let micros = parts[1].int else {
            throw EventStoreError(.unexpectedReply, "TIME: unexpected reply \(time)")
        }
        let ageMS = age.milliseconds()
        let cutoff = Int64(seconds) * 1000 + Int64(micros / 1000) - ageMS
        // Pages go by score (a range by rank offset would walk every member before it): each starts at the last
        // page's last score, skipping the members of that score that stayed.
        var lowest = checkedThrough.map { "(\($0)" } ?? "-inf"
        var skip = 0
        var released = 0
        while true {
            let reply = try await store.redis.send("ZRANGE", RESPArgument(Self.reservationsKey), RESPArgument(lowest),
                                                   RESPArgument(String(cutoff)), "BYSCORE", "LIMIT", RESPArgument(skip),
                                                   RESPArgument(pageSize), "WITHSCORES")
            let flat = reply.array ?? []
            let page = stride(from: 0, to: flat.count - 1, by: 2).compactMap { index -> (order: String, score: String)? in
                guard let order = flat[index].string, let score = flat[index + 1].string else { return nil }
                return (order, score)
            }
            guard let lastScore = page.last?.score else { break }
            let exist = try await ordersExist(page.map(\.order))
            var keptAtLast = 0
            for ((order, score), exists) in zip(page, exist) {
                if exists {
                    if score == lastScore { keptAtLast += 1 }
                    continue
                }
                try await releaseStock(orderID: order)
                released += 1
                logger.info("released a reservation without an order", metadata: ["order.id": "\(order)"])
            }
            if page.count < pageSize { break }
            skip = lowest == lastScore ? skip + keptAtLast : keptAtLast
            lowest = lastScore
        }
        return (released, max(cutoff, checkedThrough ?? cutoff))
    }
}
