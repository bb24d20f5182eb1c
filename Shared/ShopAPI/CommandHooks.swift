import ShopDomain

/// What a service does around the store's writes beyond appending the event (order-service: stock reservations).
/// Every method has a do-nothing default.
public protocol CommandHooks<Made>: Sendable {
    associatedtype Made: Entity
    /// Before the entities are created; throwing refuses them all (the hook has undone its own effects).
    func willCreate(_ entities: [Made]) async throws
    /// Creating failed for certain after `willCreate` succeeded: undo it.
    func createFailed(_ entities: [Made]) async
    /// Before a live entity is replaced by `entity`; throwing refuses the update.
    func willUpdate(_ entity: Made) async throws
    /// Updating failed for certain after `willUpdate` succeeded: undo it.
    func updateFailed(_ entity: Made) async
    /// After the entity `id` was deleted.
    func didDelete(id: String) async
}

extension CommandHooks {
    public func willCreate(_ entities: [Made]) async throws {}
    public func createFailed(_ entities: [Made]) async {}
    public func willUpdate(_ entity: Made) async throws {}
    public func updateFailed(_ entity: Made) async {}
    public func didDelete(id: String) async {}
}

/// The hooks of an entity whose commands only append events.
public struct NoHooks<Made: Entity>: CommandHooks {
    /// Hooks that do nothing.
    public init() {}
}
