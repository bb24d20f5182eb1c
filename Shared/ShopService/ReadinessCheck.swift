/// A named check `/ready` runs: it returns when the dependency is usable and throws the reason when not.
public struct ReadinessCheck: Sendable {
    /// Shown in the 503 answer, e.g. `redis`.
    public var name: String
    public var check: @Sendable () async throws -> Void

    public init(name: String, _ check: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.check = check
    }

    /// Runs the check, failing with `.notReady` when it throws or takes longer than `timeout`.
    func run(timeout: Duration) async throws(ServiceError) {
        let name = self.name
        let check = self.check
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await check() }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw ServiceError(.notReady, "\(name): no answer within \(timeout)")
                }
                defer { group.cancelAll() }
                try await group.next()
            }
        } catch let error as ServiceError {
            throw error
        } catch {
            throw ServiceError(.notReady, "\(name): \(error)")
        }
    }
}
