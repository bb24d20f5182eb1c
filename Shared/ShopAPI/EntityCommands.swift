import ShopDomain
import ShopEventStore
import ShopHTTP
import ShopJSON

/// The commands of an owning service: POST one or many (→ the new ids, all or nothing), PUT the whole entity
/// (→ `true`, 404 when unknown) and DELETE (→ `true`, 404 when unknown), each an atomic append to the event store.
///
/// Each command reads top to bottom: decode the body once (400), check the references (422), append, answer.
/// A service whose commands do more (order-service reserves stock) writes its own functions from the same steps.
public struct EntityCommands<Draft: EntityDraft>: Sendable {
    /// The entity the commands change.
    public typealias Made = Draft.Made

    /// The store the events go to.
    public let store: EventStore
    let references: [Reference<Draft>]

    /// Commands on `Draft.Made` through `store`; `references` must exist.
    public init(_ draft: Draft.Type, store: EventStore, references: [Reference<Draft>] = []) {
        self.store = store
        self.references = references
    }

    /// Registers POST on the entity's create paths, PUT and DELETE on its item path (see `EntityPaths`).
    public func register(_ router: inout Router) {
        register(&router, create: create, update: update, delete: delete)
    }

    /// Registers the given functions on the entity's paths, each run by `command(_:request:)`.
    public func register(_ router: inout Router, create: @escaping @Sendable (Request) async throws -> Response,
                         update: @escaping @Sendable (Request) async throws -> Response,
                         delete: @escaping @Sendable (Request) async throws -> Response) {
        let paths = EntityPaths.of(Made.topic)
        for path in paths.createPaths {
            router.post(path) { request in try await Self.command(create, request) }
        }
        router.put(paths.item) { request in try await Self.command(update, request) }
        router.delete(paths.item) { request in try await Self.command(delete, request) }
    }

    /// Runs a command with its cause bound, so every event it writes (stock reservations included) carries the
    /// request's correlation id and the request id as causation; what it throws is translated by `StoreFailure`.
    static func command(_ body: (Request) async throws -> Response, _ request: Request) async throws -> Response {
        let cause = EventCause(correlationID: request.correlationID, causationID: request.requestID,
                               traceParent: TraceParent.current?.description ?? "")
        return try await EventCause.$current.withValue(cause) {
            try await StoreFailure.translating(topic: Made.topic) { try await body(request) }
        }
    }

    @Sendable func create(_ request: Request) async throws -> Response {
        let drafts = try await checkedDrafts(request)
        let entities = drafts.map { $0.entity(id: EntityID.make()) }
        try await store.append(created: entities)
        return .ids(entities.map(\.id))
    }

    @Sendable func update(_ request: Request) async throws -> Response {
        let change = try await checkedChange(request)
        try await store.update(change.entity, expectedVersion: change.version)
        return .accepted
    }

    @Sendable func delete(_ request: Request) async throws -> Response {
        try await store.delete(Made.self, id: try request.entityID())
        return .accepted
    }

    // MARK: - The steps

    /// A POST body's drafts, decoded once (400), whose references all exist (422).
    public func checkedDrafts(_ request: Request) async throws -> [Draft] {
        let drafts = try request.drafts(Draft.self)
        try await Reference.check(references, drafts, store: store)
        return drafts
    }

    /// A PUT: the entity as the body describes it (400, 422) under the path's id, and the version it replaces
    /// (404 when no live entity has the id). Appending with that version makes a change in between a conflict.
    public func checkedChange(_ request: Request) async throws -> (entity: Made, version: Int) {
        let id = try request.entityID()
        let draft = try request.draft(Draft.self)
        try await Reference.check(references, [draft], store: store)
        guard let version = try await store.version(Made.topic, id: id) else {
            throw HTTPError(.notFound, "no \(Made.topic.rawValue) with id \(id)")
        }
        return (draft.entity(id: id), version)
    }
}

extension Response {
    /// `["id",…]`, the answer to a POST.
    public static func ids(_ ids: [String]) -> Response {
        var body = ByteBuffer()
        JSONWriter.strings(ids, into: &body)
        return .json(bytes: body)
    }

    /// The body of a successful PUT or DELETE, as the original answered.
    public static var accepted: Response { .json(bytes: ByteBuffer(string: "true")) }
}
