import ShopBasics
import ShopDomain
import ShopRedis

extension EventStore {
    /// Reserves the stock of every product of an order (repeats count) or none: `outOfStock` names the product.
    /// Retrying the same reservation changes nothing; a different one for the same order is `alreadyReserved`.
    @discardableResult
    public func reserveStock(orderID: String, productIDs: [String]) async throws -> [StoredEvent] {
        guard !productIDs.isEmpty else { throw EventStoreError(.invalidInput, "a reservation needs at least one product") }
        return try await runReservation(orderID: orderID, mode: "reserve", productIDs: productIDs)
    }

    /// Gives an order's reserved stock back; nothing happens when it holds none.
    @discardableResult
    public func releaseStock(orderID: String) async throws -> [StoredEvent] {
        try await runReservation(orderID: orderID, mode: "release", productIDs: [])
    }

    /// Replaces an order's reservation by one for `productIDs` in one step: when the new one does not fit,
    /// the old one stays and `outOfStock` names the product.
    @discardableResult
    public func swapReservation(orderID: String, productIDs: [String]) async throws -> [StoredEvent] {
        guard !productIDs.isEmpty else { throw EventStoreError(.invalidInput, "a reservation needs at least one product") }
        return try await runReservation(orderID: orderID, mode: "swap", productIDs: productIDs)
    }

    /// The stock an order holds: product id → count (empty when none).
    public func reservation(orderID: String) async throws -> [String: Int] {
        let reply = try await redis.send("HGETALL", RESPArgument(TopicKeys(.inventory).reservation(orderID)))
        var held: [String: Int] = [:]
        for pair in reply.pairs ?? [] {
            if let product = pair.key.string, let count = pair.value.int { held[product] = count }
        }
        return held
    }

    /// Releases reservations older than `olderThan` whose order does not exist (a crash between reserving and
    /// writing the order). Only reservations made after `checkedThrough` (Unix ms; nil: all) are looked at, a page
    /// at a time with one existence check per page, so a pass never sends Redis a command over every live order.
    /// Returns how many it released, and the time through which every reservation has now been checked: a
    /// reservation's time is when it was taken, so none can appear before that mark later.
    public func reconcileReservations(olderThan age: Duration, checkedThrough: Int64? = nil, pageSize: Int = 256,
                                      ordersExist: @Sendable ([String]) async throws -> [Bool]) async throws -> (released: Int, checkedThrough: Int64) {
        let keys = TopicKeys(.inventory)
        let time = try await redis.send("TIME")
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
            let reply = try await redis.send("ZRANGE", RESPArgument(keys.reservations), RESPArgument(lowest), RESPArgument(String(cutoff)),
                                             "BYSCORE", "LIMIT", RESPArgument(skip), RESPArgument(pageSize), "WITHSCORES")
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

    private func runReservation(orderID: String, mode: String, productIDs: [String]) async throws -> [StoredEvent] {
        guard !orderID.isEmpty, !productIDs.contains(where: \.isEmpty) else {
            throw EventStoreError(.invalidInput, "a reservation needs an order id and non-empty product ids")
        }
        let keys = TopicKeys(.inventory)
        let scriptKeys = Self.scriptKeys(keys) + [RESPArgument(keys.reservations), RESPArgument(keys.reservation(orderID))]
        var eventIDs = (0..<Set(productIDs).count + 1).map { _ in EntityID.make() }
        // A reservation of a command carries its cause; one of the reconciler's is correlated by its order.
        let cause = EventCause.current ?? EventCause(correlationID: orderID, causationID: "")
        while true {
            var arguments = Self.scriptPrefix(base: keys.tag, schema: TopicSchema.of(.inventory))
            arguments += [RESPArgument(orderID), RESPArgument(mode), RESPArgument(productIDs.count)]
            arguments += productIDs.map { RESPArgument($0) }
            arguments.append(RESPArgument(eventIDs.count))
            arguments += eventIDs.map { RESPArgument($0) }
            arguments += [RESPArgument(cause.correlationID), RESPArgument(cause.causationID), RESPArgument(cause.traceParent)]
            let reply: RESPValue
            do {
                reply = try await run(ReservationScripts.reserve, keys: scriptKeys, arguments: arguments)
            } catch let error as RedisServerError where error.prefix == "NEEDIDS" {
                // The order held more products than we guessed (release, swap): retry with enough event ids.
                let needed = Int(error.message) ?? eventIDs.count * 2
                eventIDs = (0..<max(needed, eventIDs.count + 1)).map { _ in EntityID.make() }
                continue
            }
            return try reservationEvents(reply, eventIDs: eventIDs, cause: cause)
        }
    }

    private func reservationEvents(_ reply: RESPValue, eventIDs: [String], cause: EventCause) throws -> [StoredEvent] {
        guard let rows = reply.array else { throw EventStoreError(.unexpectedReply, "reservation: unexpected reply \(reply)") }
        return try rows.enumerated().map { index, row in
            guard let fields = row.array, fields.count == 4, let entry = fields[0].string.flatMap(EntryID.init),
                  let aggregateID = fields[1].string, let version = fields[2].int, let payload = fields[3].bytes else {
                throw EventStoreError(.unexpectedReply, "reservation: unexpected row \(row)")
            }
            metrics.appended(topic: .inventory, action: .updated)
            return StoredEvent(eventID: eventIDs[index], topic: .inventory, action: .updated, entryID: entry,
                               aggregateID: aggregateID, version: version, occurredAt: Int64(entry.milliseconds),
                               correlationID: cause.correlationID, entity: Array(payload.readableBytesView),
                               causationID: cause.causationID, traceParent: cause.traceParent)
        }
    }
}
