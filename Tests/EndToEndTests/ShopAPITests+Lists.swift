import Foundation
import ShopDomain
import ShopEventStore
import ShopHTTP
import Testing

/// List reads as HTTP clients can use them: entity tags with 304, pages with a `Link` to the next one.
extension ShopAPITests {
    @Test("lists and the report carry an ETag that changes exactly when they do; If-None-Match gives 304")
    func entityTags() async throws {
        try await ShopHarness.run { shop in
            let first = try await shop.call(.GET, "/customers")
            let tag = try #require(first.headers.first(name: "etag"))
            #expect(first.body == "[]" && tag.hasPrefix("\""), "\(first)")
            let same = try await shop.call(.GET, "/customers", headers: [("If-None-Match", tag)])
            #expect(same.status == 304 && same.body.isEmpty && same.headers.first(name: "etag") == tag, "\(same)")

            let ids = try await shop.create("/customers", #"[{"name":"Ann","email":"ann@example.com"},{"name":"Bo","email":"bo@example.com"}]"#)
            let changed = try await shop.call(.GET, "/customers", headers: [("If-None-Match", tag)])
            #expect(changed.status == 200 && changed.headers.first(name: "etag") != tag, "\(changed)")
            let twoTag = try #require(changed.headers.first(name: "etag"))
            // A PUT that writes the same bytes again leaves the list, and its tag, as they were.
            let put = #"{"name":"Ann","email":"ann@example.com"}"#
            #expect(try await shop.call(.PUT, "/customer/\(ids[0])", put).status == 200)
            let afterPut = try await shop.call(.GET, "/customers")
            let putTag = try #require(afterPut.headers.first(name: "etag"))
            #expect((putTag == twoTag) == (afterPut.body == changed.body))
            #expect(try await shop.call(.PUT, "/customer/\(ids[0])", put).status == 200)
            let unchanged = try await shop.call(.GET, "/customers", headers: [("If-None-Match", putTag)])
            #expect(unchanged.status == 304, "\(unchanged)")
            _ = try await shop.call(.PUT, "/customer/\(ids[0])", #"{"name":"Anna","email":"ann@example.com"}"#)
            #expect(try await shop.call(.GET, "/customers", headers: [("If-None-Match", putTag)]).status == 200)

            let report = try await shop.call(.GET, "/report")
            let reportTag = try #require(report.headers.first(name: "etag"))
            #expect(try await shop.call(.GET, "/report", headers: [("If-None-Match", "\"other\", \(reportTag)")]).status == 304)
            _ = try await shop.create("/product", #"{"name":"Pen","price":3}"#)
            #expect(try await shop.call(.GET, "/report", headers: [("If-None-Match", reportTag)]).status == 200)
            #expect(try await shop.call(.GET, "/orders/unbilled").headers.first(name: "etag") != nil)
        }
    }

    @Test("?limit&after pages walk the list in creation order with a Link to the next page; a bad cursor is a 400")
    func paging() async throws {
        try await ShopHarness.run { shop in
            var created: [String] = []
            for batch in 0..<3 {
                let body = "[" + (0..<5).map { #"{"name":"P\#(batch)-\#($0)","price":\#($0 + 1)}"# }.joined(separator: ",") + "]"
                created += try await shop.create("/products", body)
            }
            let whole = try await shop.call(.GET, "/products")
            #expect(whole.headers.first(name: "link") == nil)

            var seen: [String] = []
            var path = "/products?limit=4"
            var pages = 0
            while true {
                let page = try await shop.call(.GET, path)
                #expect(page.status == 200, "\(page)")
                let ids = (page.json as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                seen += ids
                pages += 1
                guard let link = page.headers.first(name: "link") else { break }
                #expect(link.hasSuffix(#">; rel="next""#), "\(link)")
                path = String(link.dropFirst().prefix { $0 != ">" })
                if pages == 1 {
                    // While the walk goes on: a product of a later page is deleted, the page's last one too, and new ones come.
                    _ = try await shop.call(.DELETE, "/product/\(created[10])")
                    _ = try await shop.call(.DELETE, "/product/\(ids.last!)")
                    created += try await shop.create("/products", #"{"name":"Late","price":9}"#)
                }
            }
            let expected = created.filter { $0 != created[10] }
            #expect(seen == expected, "every product once, in creation order (the deleted one was read before it went)")
            #expect(pages == 4)

            let unknown = try await shop.call(.GET, "/products?limit=2&after=\(EntityID.make())")
            #expect(unknown.status == 400 && unknown.error?.contains("after") == true, "\(unknown)")
            #expect(try await shop.call(.GET, "/products?after=not-an-id").status == 400)
            for bad in ["0", "10001", "x", "-1"] {
                let reply = try await shop.call(.GET, "/products?limit=\(bad)")
                #expect(reply.status == 400 && reply.error?.contains("limit") == true, "\(bad): \(reply)")
            }
            let afterOnly = try await shop.call(.GET, "/products?after=\(created[0])")
            #expect((afterOnly.json as? [Any])?.count == expected.count - 2, "all but the first and the page's last, deleted")
        }
    }
}
