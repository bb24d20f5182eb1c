import NIOCore

extension DocumentList {
    static let open = ByteBuffer(staticString: "[")
    static let comma = ByteBuffer(staticString: ",")
    static let close = ByteBuffer(staticString: "]")

    /// The documents joined with commas, in one buffer.
    static func join(_ entries: ArraySlice<Entry>) -> ByteBuffer {
        var joined = ByteBuffer()
        joined.reserveCapacity(entries.reduce(entries.count) { $0 + $1.document.readableBytes })
        for (offset, entry) in entries.enumerated() {
            if offset > 0 { joined.writeStaticString(",") }
            joined.writeImmutableBuffer(entry.document)
        }
        return joined
    }

    /// An entry's share of the list digest: FNV-1a over the id and the document, then a 64-bit finaliser so that
    /// the sum of many spreads over every bit. Fixed constants: every gateway computes the same tag.
    static func digest(id: String, document: ByteBuffer) -> UInt64 {
        var hash = fnv1a(id.utf8)
        hash = fnv1a(CollectionOfOne(0xff), hash)
        hash = document.withUnsafeReadableBytes { fnv1a($0, hash) }
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }

    /// FNV-1a, 64 bits: a fast digest of bytes (entity tags), not a cryptographic one.
    public static func fnv1a(_ bytes: some Sequence<UInt8>, _ start: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var hash = start
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }

    /// One entity tag for an answer made of several lists (the report), from theirs.
    public static func etag(combining tags: [String]) -> String {
        "\"r-\(String(fnv1a(tags.joined(separator: "|").utf8), radix: 36))\""
    }

    /// A quoted entity tag from a content's count, size and digest.
    static func etag(count: Int, bytes: Int, digest: UInt64) -> String {
        "\"\(String(count, radix: 36))-\(String(bytes, radix: 36))-\(String(digest, radix: 36))\""
    }
}
