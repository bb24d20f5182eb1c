import ShopAPI
import ShopDomain
import ShopHTTP

/// The commands of the public API, forwarded unchanged to the service that owns the entity (body and status
/// passed through), and `GET /events`, forwarded to archive-service. The gateway itself writes nothing.
struct CommandRoutes: Sendable {
    /// Each topic's owning service: its name (for errors) and the keep-alive client to it.
    let owners: [Topic: (name: String, client: HTTPClient)]
    let archive: HTTPClient

    func register(_ router: inout Router) {
        for (topic, owner) in owners {
            let paths = EntityPaths.of(topic)
            for path in paths.createPaths {
                router.post(path) { request in try await owner.client.forward(request, to: path, upstream: owner.name) }
            }
            router.put(paths.item) { request in
                try await owner.client.forward(request, to: paths.item(try request.entityID()), upstream: owner.name)
            }
            router.delete(paths.item) { request in
                try await owner.client.forward(request, to: paths.item(try request.entityID()), upstream: owner.name)
            }
        }
        router.get("/events") { request in
            let response = try await archive.forward(request, to: "/events", upstream: "archive-service")
            // An archive-service without the route is one that cannot serve event queries (yet): unavailable.
            if response.status == .notFound || response.status == .methodNotAllowed {
                throw HTTPError(.serviceUnavailable, "archive-service does not serve event queries")
            }
            return response
        }
    }
}
