/// What a cluster error reply asks of the client: `MOVED` and `ASK` name the node to go to, `TRYAGAIN` and
/// `CLUSTERDOWN` ask it to wait.
enum RedisClusterRedirect: Sendable, Equatable {
    /// The slot lives on `node` now: retry there and refresh the map.
    case moved(RedisHashSlot, RedisNodeAddress)
    /// The slot is migrating and this key is on `node` already: send `ASKING` and the command there, once.
    case ask(RedisHashSlot, RedisNodeAddress)
    /// A multi-key command during a slot migration: retry after a pause.
    case tryAgain
    /// The cluster cannot serve the slot (no quorum, a failover under way): retry after a pause and a refresh.
    case clusterDown

    /// The redirect an error reply carries, nil for any other error. `answering` is the node that replied
    /// (Redis leaves the host empty when it does not know its own endpoint).
    init?(_ error: RedisServerError, answeredBy answering: RedisNodeAddress) {
        switch error.prefix {
        case "MOVED", "ASK":
            let parts = error.message.split(separator: " ")
            guard parts.count == 2, let number = Int(parts[0]), let slot = RedisHashSlot(number),
                  let node = RedisNodeAddress(redirectTarget: parts[1], sameHostAs: answering) else { return nil }
            self = error.prefix == "MOVED" ? .moved(slot, node) : .ask(slot, node)
        case "TRYAGAIN":
            self = .tryAgain
        case "CLUSTERDOWN":
            self = .clusterDown
        default:
            return nil
        }
    }
}
