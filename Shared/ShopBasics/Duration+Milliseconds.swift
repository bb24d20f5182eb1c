// ShopBasics: the few value helpers every layer shares, with no dependencies (hex digits, percent-decoding,
// whole milliseconds of a Duration), written once here instead of once per module.

extension Duration {
    /// Whole milliseconds (rounded down), at least `minimum`: what Redis's `BLOCK`, `PX` and idle times and the
    /// `*_MS` variables take.
    public func milliseconds(atLeast minimum: Int64 = 0) -> Int64 {
        let (seconds, attoseconds) = components
        return max(minimum, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }
}
