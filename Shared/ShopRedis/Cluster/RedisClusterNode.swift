/// The pool on one primary: the same single-node `RedisClient` as without a cluster, run by the cluster client's
/// `run()` until the node leaves the map (it is then retired: its pool closes).
final class RedisClusterNode: Sendable {
    let address: RedisNodeAddress
    let client: RedisClient
    /// Ends when the node is retired; the cluster client's `run()` then stops the node's pool.
    let retirement: AsyncStream<Void>
    private let retire: AsyncStream<Void>.Continuation

    init(address: RedisNodeAddress, client: RedisClient) {
        self.address = address
        self.client = client
        (retirement, retire) = AsyncStream.makeStream(of: Void.self)
    }

    /// Stops the node's pool (its waiting commands fail and are retried elsewhere when they were not sent).
    func retireNode() {
        retire.finish()
    }
}
