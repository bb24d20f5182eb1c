import NIOCore
import ShopEventStore
import Testing

@Suite("Document list: the read cache's ordered documents")
struct DocumentListTests {
    static func document(_ id: String, _ value: Int = 0) -> ByteBuffer {
        ByteBuffer(string: #"{"id":"\#(id)","n":\#(value)}"#)
    }

    static func text(_ parts: [ByteBuffer]) -> String {
        parts.map { String(buffer: $0) }.joined()
    }

    /// The JSON array a list of (id, value) pairs must read as.
    static func expected(_ entries: [(String, Int)]) -> String {
        "[" + entries.map { String(buffer: document($0.0, $0.1)) }.joined(separator: ",") + "]"
    }

    @Test("creation order is kept across updates and deletes, over many segments")
    func order() {
        var list = DocumentList()
        var model: [(String, Int)] = []
        for index in 0..<1000 {
            list.upsert(id: "e\(index)", document: Self.document("e\(index)"))
            model.append(("e\(index)", 0))
        }
        for index in stride(from: 0, to: 1000, by: 7) {
            list.update(id: "e\(index)", document: Self.document("e\(index)", index))
            model[model.firstIndex { $0.0 == "e\(index)" }!].1 = index
        }
        for index in Array(0..<300) + Array(stride(from: 301, to: 1000, by: 5)) {
            list.remove(id: "e\(index)")
            model.removeAll { $0.0 == "e\(index)" }
        }
        list.upsert(id: "new", document: Self.document("new"))
        model.append(("new", 0))
        list.update(id: "gone", document: Self.document("gone"))   // unknown: nothing happens
        list.remove(id: "e0")                                      // already deleted: nothing happens
        list.seal()
        #expect(Self.text(list.jsonParts) == Self.expected(model))
        #expect(list.count == model.count)
        #expect(Self.text(list.jsonParts) == String(buffer: try! list.page().json))
    }

    @Test("an empty list is [] and every list is [] again once emptied")
    func empty() {
        var list = DocumentList()
        #expect(Self.text(list.jsonParts) == "[]")
        for index in 0..<600 { list.upsert(id: "e\(index)", document: Self.document("e\(index)")) }
        for index in 0..<600 { list.remove(id: "e\(index)") }
        list.seal()
        #expect(Self.text(list.jsonParts) == "[]")
        list.upsert(id: "again", document: Self.document("again"))
        list.seal()
        #expect(Self.text(list.jsonParts) == Self.expected([("again", 0)]))
    }

    @Test("the ETag changes exactly when the content does, and is the same for the same content")
    func etag() {
        var list = DocumentList()
        let empty = list.etag
        list.upsert(id: "a", document: Self.document("a"))
        list.upsert(id: "b", document: Self.document("b"))
        let two = list.etag
        #expect(two != empty)
        list.update(id: "a", document: Self.document("a"))          // the same document: the same list
        #expect(list.etag == two)
        list.update(id: "a", document: Self.document("a", 1))
        let changed = list.etag
        #expect(changed != two)
        list.update(id: "a", document: Self.document("a"))
        #expect(list.etag == two)                                   // back to the same content
        list.upsert(id: "c", document: Self.document("c"))
        #expect(list.etag != two)
        list.remove(id: "c")
        #expect(list.etag == two)
        list.remove(id: "b")
        #expect(list.etag != two)

        var other = DocumentList()                                  // another process, the same content
        other.upsert(id: "a", document: Self.document("a"))
        #expect(other.etag == list.etag)
        #expect(list.etag.hasPrefix("\"") && list.etag.hasSuffix("\""))
    }

    @Test("paging walks every entity once while entities are created and deleted during the walk")
    func pagingUnderChange() throws {
        var list = DocumentList()
        var next = 0
        func create() { list.upsert(id: "e\(next)", document: Self.document("e\(next)")); next += 1 }
        for _ in 0..<700 { create() }
        let present = Set((0..<700).map { "e\($0)" })
        var deleted: Set<String> = []
        var seen: [String] = []
        var after: String?
        var generator = SystemRandomNumberGenerator()
        while true {
            let page = try list.page(after: after, limit: 37)
            let ids = Self.ids(page.json)
            seen += ids
            // Between pages: delete some entities (the page's last one among them) and create new ones.
            if let last = page.lastID { list.remove(id: last); deleted.insert(last) }
            for _ in 0..<5 {
                let victim = "e\(Int.random(in: 0..<next, using: &generator))"
                if list.contains(id: victim) { list.remove(id: victim); deleted.insert(victim) }
            }
            for _ in 0..<3 { create() }
            guard page.hasMore, let last = page.lastID else { break }
            after = last
        }
        #expect(Set(seen).count == seen.count)                       // nothing twice
        #expect(seen == seen.sorted { Int($0.dropFirst())! < Int($1.dropFirst())! })   // in creation order
        // Everything that was there from start to end was seen.
        #expect(present.subtracting(deleted).isSubset(of: Set(seen)))
        #expect(Set(seen).isSubset(of: Set((0..<next).map { "e\($0)" })))
    }

    @Test("a page after an unknown id is refused; after a deleted one it goes on where it was")
    func pagingAfter() throws {
        var list = DocumentList()
        for index in 0..<10 { list.upsert(id: "e\(index)", document: Self.document("e\(index)")) }
        #expect(throws: DocumentList.PageError.unknownAfter("nope")) { try list.page(after: "nope", limit: 3) }
        list.remove(id: "e4")
        let page = try list.page(after: "e4", limit: 3)
        #expect(Self.ids(page.json) == ["e5", "e6", "e7"])
        #expect(page.hasMore && page.lastID == "e7")
        let last = try list.page(after: "e7", limit: 3)
        #expect(Self.ids(last.json) == ["e8", "e9"] && !last.hasMore)
        #expect(String(buffer: try list.page(after: "e9", limit: 3).json) == "[]")
        #expect(try list.page(after: "e4", limit: 3).etag == page.etag)
        #expect(try list.page(after: "e5", limit: 3).etag != page.etag)
    }

    @Test("deleted ids are remembered for paging up to a bound, the newest kept")
    func retiredBound() throws {
        var list = DocumentList()
        let total = DocumentList.maxRetired + 10
        for index in 0..<total { list.upsert(id: "e\(index)", document: Self.document("e\(index)")) }
        for index in 0..<total { list.remove(id: "e\(index)") }
        list.upsert(id: "live", document: Self.document("live"))
        #expect(Self.ids(try list.page(after: "e\(total - 1)", limit: 5).json) == ["live"])
        #expect(throws: DocumentList.PageError.unknownAfter("e0")) { try list.page(after: "e0", limit: 5) }
    }

    @Test("a filter keeps only the entities it names, and the unique field is indexed")
    func filterAndUnique() throws {
        var list = DocumentList(uniqueField: "order_id")
        list.upsert(id: "b1", document: ByteBuffer(string: #"{"id":"b1","order_id":"o1","done":1}"#))
        list.upsert(id: "b2", document: ByteBuffer(string: #"{"id":"b2","order_id":"o2","done":1}"#))
        #expect(list.holds(uniqueValue: "o1") && list.holds(uniqueValue: "o2") && !list.holds(uniqueValue: "o3"))
        list.update(id: "b1", document: ByteBuffer(string: #"{"id":"b1","order_id":"o3","done":1}"#))
        #expect(!list.holds(uniqueValue: "o1") && list.holds(uniqueValue: "o3"))
        list.remove(id: "b2")
        #expect(!list.holds(uniqueValue: "o2"))
        let page = try list.page(where: { $0 != "b1" })
        #expect(String(buffer: page.json) == "[]")
    }

    @Test("the whole list filtered in parts is the same JSON, with the same tag, as a filtered page")
    func filteredParts() async throws {
        var list = DocumentList()
        for index in 0..<2000 { list.upsert(id: "e\(index)", document: Self.document("e\(index)", index)) }
        for index in stride(from: 0, to: 2000, by: 3) { list.remove(id: "e\(index)") }
        list.seal()
        let keep: (String) -> Bool = { Int($0.dropFirst())! % 5 != 0 }
        let filtered = await list.filtered(where: keep)
        let page = try list.page(where: keep)
        #expect(Self.text(filtered.parts) == String(buffer: page.json))
        #expect(filtered.etag == page.etag)
        let all = await list.filtered { _ in true }
        #expect(Self.text(all.parts) == Self.text(list.jsonParts) && all.etag == list.etag)
        #expect(Self.text(await DocumentList().filtered { _ in true }.parts) == "[]")
    }

    static func ids(_ json: ByteBuffer) -> [String] {
        let text = String(buffer: json)
        return text.split(separator: "\"id\":\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }
}
