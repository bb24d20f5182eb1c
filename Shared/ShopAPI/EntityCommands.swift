import Foundation
import ShopDomain
import ShopEventStore
import ShopHTTP

/// The commands of an owning service: POST one or many (→ the new ids, all or nothing), PUT the whole entity
/// (→ `true`, 404 when unknown) and DELETE (→ `true`, 404 when unknown), each an atomic append to the event store.
///
/// Routes validate the body (400), check the references (422), run the service's hooks, then append.
public struct EntityCommands<Draft: EntityDraft, Hooks: CommandHooks>: Sendable where Hooks.Made == Draft.Made {
    /// The entity the commands change.
    public typealias Made = Draft.Made

    let store: EventStore
    let references: [Reference<Draft>]
    let hooks: Hooks

    /// Commands on `Draft.Made` through `store`; `references` must exist, `hooks` run around the writes.
    public init(_ draft: Draft.Type, store: EventStore, references: [Reference<Draft>] = [], hooks: Hooks) {
        self.store = store
        self.references = references
        self.hooks = hooks
    }

    /// Registers POST on the entity's create paths, PUT and DELETE on its item path (see `EntityPaths`).
    public func register(_ router: inout Router) {
        let paths = EntityPaths.of(Made.topic)
        for path in paths.createPaths {
            router.post(path) { request in try await Self.caused(by: request) { try await create(request) } }
        }
        router.put(paths.item) { request in try await Self.caused(by: request) { try await update(request) } }
        router.delete(paths.item) { request in try await Self.caused(by: request) { try await delete(request) } }
    }

    /// Runs a command with its cause bound, so every event it writes (stock reservations included) carries the
    /// request's correlation id and the request id as causation.
    static func caused(by request: Request, _ command: () async throws -> Response) async throws -> Response {
        let cause = EventCause(correlationID: request.correlationID, causationID: request.requestID,
                               traceParent: TraceParent.current?.description ?? "")
        return try await EventCause.$current.withValue(cause, operation: command)
    }

    func create(_ request: Request) async throws -> Response {
        let drafts = try request.drafts(Draft.self)
        guard !drafts.isEmpty else { return .json(bytes: ByteBuffer(string: "[]")) }
        try await checkReferences(drafts)
        let entities = drafts.map { $0.entity(id: EntityID.make()) }
        try await StoreFailure.translating(topic: Made.topic) { try await hooks.willCreate(entities) }
        do {
            let events = try entities.map { entity in
                NewEvent(action: .created, aggregateID: entity.id, entity: try EventStore.encode(entity), expectedVersion: 0)
            }
            _ = try await store.append(events, topic: Made.topic)
        } catch {
            if StoreFailure.isDefinite(error) { await hooks.createFailed(entities) }
            throw StoreFailure.translate(error, topic: Made.topic)
        }
        return .json(bytes: Self.idList(entities.map(\.id)))
    }

    /// `["id",…]`, the answer to a POST, written directly.
    static func idList(_ ids: [String]) -> ByteBuffer {
        var body = ByteBuffer()
        body.writeString("[")
        for (index, id) in ids.enumerated() {
            if index > 0 { body.writeString(",") }
            JSONString.write(id, into: &body)
        }
        body.writeString("]")
        return body
    }

    func update(_ request: Request) async throws -> Response {
        let id = try request.entityID()
        let draft = try request.draft(Draft.self)
        try await checkReferences([draft])
        let entity = draft.entity(id: id)
        let version = try await StoreFailure.translating(topic: Made.topic) {
            guard let version = try await store.version(Made.topic, id: id) else {
                throw HTTPError(.notFound, "no \(Made.topic.rawValue) with id \(id)")
            }
            try await hooks.willUpdate(entity)
            return version
        }
        do {
            // The version read above: a delete or update in between is a conflict, not a silent overwrite.
            try await store.update(entity, expectedVersion: version)
        } catch {
            if StoreFailure.isDefinite(error) { await hooks.updateFailed(entity) }
            throw StoreFailure.translate(error, topic: Made.topic)
        }
        return Self.accepted
    }

    func delete(_ request: Request) async throws -> Response {
        let id = try request.entityID()
        try await StoreFailure.translating(topic: Made.topic) {
            try await store.delete(Made.self, id: id)
        }
        await hooks.didDelete(id: id)
        return Self.accepted
    }

    private func checkReferences(_ drafts: [Draft]) async throws {
        try await StoreFailure.translating(topic: Made.topic) {
            try await Reference.check(references, drafts, store: store)
        }
    }


    /// The body of a successful PUT or DELETE, as the original answered.
    static var accepted: Response { .json(bytes: ByteBuffer(string: "true")) }
}

extension EntityCommands where Hooks == NoHooks<Draft.Made> {
    /// Commands that only append events.
    public init(_ draft: Draft.Type, store: EventStore, references: [Reference<Draft>] = []) {
        self.init(draft, store: store, references: references, hooks: NoHooks())
    }
}
