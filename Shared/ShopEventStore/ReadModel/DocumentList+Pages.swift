import NIOCore

extension DocumentList {
    /// One page of a list: the JSON array of its entities, and where the next page starts.
    public struct Page: Sendable {
        /// The page as a JSON array.
        public var json: ByteBuffer
        /// The id of the page's last entity, to ask for the next page `after` it; nil when the page is empty.
        public var lastID: String?
        /// Whether entities follow the page.
        public var hasMore: Bool
        /// A strong entity tag for this page's content.
        public var etag: String
    }

    /// Where a page starts: an id this list never held (live or deleted) is refused.
    public enum PageError: Error, Sendable, Equatable {
        case unknownAfter(String)
    }

    /// The entities after `after` (from the start when nil) that `isIncluded` keeps, at most `limit` of them
    /// (all when nil), in creation order. `after` may name an entity deleted since: the page goes on after it.
    public func page(after: String? = nil, limit: Int? = nil,
                     where isIncluded: (String) -> Bool = { _ in true }) throws(PageError) -> Page {
        var sequence = -1
        if let after {
            guard let known = sequences[after] ?? retired[after] else { throw .unknownAfter(after) }
            sequence = known
        }
        var json = ByteBuffer()
        json.writeStaticString("[")
        var taken = 0, bytes = 0, digest: UInt64 = 0
        var lastID: String?
        var number = max(0, sequence / Self.segmentSize - firstSegment)
        var index = number < segments.count ? Self.firstIndex(in: segments[number].entries, after: sequence) : 0
        while number < segments.count {
            let entries = segments[number].entries
            while index < entries.count {
                let entry = entries[index]
                index += 1
                guard isIncluded(entry.id) else { continue }
                if let limit, taken == limit {
                    return Page(json: Self.closed(json), lastID: lastID, hasMore: true,
                                etag: Self.etag(count: taken, bytes: bytes, digest: digest &+ 1))
                }
                if taken > 0 { json.writeStaticString(",") }
                json.writeImmutableBuffer(entry.document)
                taken += 1
                bytes += entry.document.readableBytes
                digest = digest &+ entry.digest
                lastID = entry.id
            }
            number += 1
            index = 0
        }
        return Page(json: Self.closed(json), lastID: lastID, hasMore: false, etag: Self.etag(count: taken, bytes: bytes, digest: digest))
    }

    private static func closed(_ json: ByteBuffer) -> ByteBuffer {
        var json = json
        json.writeStaticString("]")
        return json
    }
}

extension DocumentList {
    /// The whole list less what `isIncluded` leaves out, as a JSON array in parts (one per segment) with its entity
    /// tag. It yields to other work every few thousand entities, so filtering a large list never holds the caller's
    /// executor (a service's event loop) for long.
    public func filtered(where isIncluded: (String) -> Bool) async -> (parts: [ByteBuffer], etag: String) {
        var parts: [ByteBuffer] = [Self.open]
        var taken = 0, bytes = 0, digest: UInt64 = 0, sinceYield = 0
        for segment in segments {
            var joined = ByteBuffer()
            for entry in segment.entries where isIncluded(entry.id) {
                if taken > 0 { joined.writeStaticString(",") }
                joined.writeImmutableBuffer(entry.document)
                taken += 1
                bytes += entry.document.readableBytes
                digest = digest &+ entry.digest
            }
            if joined.readableBytes > 0 { parts.append(joined) }
            sinceYield += segment.entries.count
            if sinceYield >= 4096 {
                sinceYield = 0
                await Task.yield()
            }
        }
        parts.append(Self.close)
        return (parts, Self.etag(count: taken, bytes: bytes, digest: digest))
    }
}
