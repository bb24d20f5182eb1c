/// Bounds on what the decoder accepts, so a broken or hostile server cannot make us allocate without bound.
public struct RESPDecoderLimits: Sendable, Hashable {
    /// Deepest nesting of aggregates (arrays, maps, sets, pushes).
    public var maxDepth: Int
    /// Largest bulk string, verbatim string or big number, in bytes.
    public var maxBulkLength: Int
    /// Most elements in one aggregate (a map counts its keys and values).
    public var maxAggregateLength: Int

    /// Limits; defaults match Redis' own `proto-max-bulk-len` (512 MiB) and are generous for nesting.
    public init(maxDepth: Int = 64, maxBulkLength: Int = 512 * 1024 * 1024, maxAggregateLength: Int = 1 << 26) {
        self.maxDepth = maxDepth
        self.maxBulkLength = maxBulkLength
        self.maxAggregateLength = maxAggregateLength
    }
}
