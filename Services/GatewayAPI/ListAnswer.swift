import ShopAPI
import ShopEventStore
import ShopHTTP

/// How a list read is answered: the whole list (original clients), or a page when `limit` or `after` is given;
/// either with an `ETag`, and `304 Not Modified` when the client already holds that content.
enum ListAnswer {
    /// The most entities one page may hold (and a page's size when only `after` is given).
    static let maxLimit = 10_000

    static func answer(_ request: Request, list: DocumentList, where isIncluded: ((String) -> Bool)? = nil) async throws -> Response {
        let paged = request.query["limit"] != nil || request.query["after"] != nil
        if !paged {
            let (parts, etag) = if let isIncluded { await list.filtered(where: isIncluded) } else { (list.jsonParts, list.etag) }
            if request.ifNoneMatch(etag) { return .notModified(etag: etag) }
            return Response.json(parts: parts).tagged(etag)
        }
        let limit = paged ? try request.integerQuery("limit", default: maxLimit, in: 1...maxLimit) : nil
        let after = try request.query["after"].map { _ in try request.entityID(query: "after") }
        let page: DocumentList.Page
        do {
            page = try list.page(after: after, limit: limit, where: isIncluded ?? { _ in true })
        } catch .unknownAfter(let id) {
            throw HTTPError(.badRequest, "after: \(id) is not an entity this list ever held")
        }
        if request.ifNoneMatch(page.etag) { return .notModified(etag: page.etag) }
        var response = Response.json(bytes: page.json).tagged(page.etag)
        if page.hasMore, let limit, let last = page.lastID {
            response.headers.add(name: "link", value: "<\(request.path)?limit=\(limit)&after=\(last)>; rel=\"next\"")
        }
        return response
    }
}
