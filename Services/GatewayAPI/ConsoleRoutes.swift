import ShopHTTP

/// `GET /` and `GET /console`: the console page; `GET /console/<file>`: its stylesheet and ES modules.
///
/// The files live in `Console/` beside this one and are built into the executable (`embedInCode`), like
/// `openapi.json`: the gateway then serves them with nothing to find at run time (a container image or a
/// `make up` from another directory just works) and a page can never be out of step with the API it reads.
/// The price is a rebuild of the gateway after editing the page, which is one incremental `swift build`.
///
/// Every answer carries a strict Content-Security-Policy: only the gateway's own files, no inline script or style,
/// no frames, no forms elsewhere.
struct ConsoleRoutes: Sendable {
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// The files by name (Package.swift's `consoleFiles` embeds them; a test checks every file of the folder is here).
    static let files: [String: [UInt8]] = [
        "index.html": PackageResources.index_html, "console.css": PackageResources.console_css,
        "main.js": PackageResources.main_js, "api.js": PackageResources.api_js, "dom.js": PackageResources.dom_js,
        "services.js": PackageResources.services_js, "streams.js": PackageResources.streams_js,
        "groups.js": PackageResources.groups_js, "deadletters.js": PackageResources.deadletters_js,
        "events.js": PackageResources.events_js, "history.js": PackageResources.history_js,
        "messages.js": PackageResources.messages_js, "chart.js": PackageResources.chart_js,
        "favicon.svg": PackageResources.favicon_svg,
    ]

    static func contentType(of name: String) -> String {
        if name.hasSuffix(".html") { return "text/html; charset=utf-8" }
        if name.hasSuffix(".css") { return "text/css; charset=utf-8" }
        if name.hasSuffix(".svg") { return "image/svg+xml" }
        return "text/javascript; charset=utf-8"
    }

    func register(_ router: inout Router) {
        let page = Self.response("index.html") ?? .error(HTTPError(.notFound, "the console was built without its page"))
        router.get("/") { _ in page }
        router.get("/console") { _ in page }
        router.get("/console/{file}") { request in
            guard let name = request.parameters["file"], name != "index.html", let response = Self.response(name) else {
                throw HTTPError(.notFound, "the console has no file \(String((request.parameters["file"] ?? "").prefix(60)).debugDescription)")
            }
            return response
        }
    }

    static func response(_ name: String) -> Response? {
        guard let bytes = files[name] else { return nil }
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: contentType(of: name))
        headers.add(name: "content-security-policy", value: contentSecurityPolicy)
        headers.add(name: "x-content-type-options", value: "nosniff")
        headers.add(name: "referrer-policy", value: "no-referrer")
        headers.add(name: "cache-control", value: "no-cache")
        return Response(status: .ok, headers: headers, body: ByteBuffer(bytes: bytes))
    }
}
