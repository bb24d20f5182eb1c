import ShopHTTP

/// `GET /openapi.json`: the API's description. `openapi.yaml` at the repository's root is the source; its JSON
/// form beside this file is embedded in the executable at build time (kept equal to the YAML by `make test`), so
/// the gateway serves it with no file to find at run time and no YAML parser.
struct OpenAPIRoutes: Sendable {
    /// The document, as built into the executable.
    static let document = ByteBuffer(bytes: PackageResources.openapi_json)

    func register(_ router: inout Router) {
        let document = Self.document
        router.get("/openapi.json") { _ in .json(bytes: document) }
    }
}
