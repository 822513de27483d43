/// Where a multi-start fit draws the perturbations of its extra starts from. Seeded, so the same
/// curve gives the same fit on every run; injected into ``GlowFitter/fit(_:starting:constraints:configuration:random:)``
/// so a test can choose the sequence.
protocol RandomSource {
    /// Uniform in [0, 1).
    mutating func unit() -> Double
}

/// Deterministic pseudo-random numbers (SplitMix64, Steele, Lea & Flood, OOPSLA 2014).
struct SplitMix64: RandomSource, Sendable {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
}
