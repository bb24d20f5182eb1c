extension Duration {
    /// The whole milliseconds of this duration, for defaults expressed in `*_MS` variables.
    var milliseconds: Int {
        Int(components.seconds) * 1000 + Int(components.attoseconds / 1_000_000_000_000_000)
    }
}
