/// SplitMix64 (Steele, Lea & Flood 2014): a small reproducible generator for the drawn doses.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    /// Most worn cards read near background (0.05–0.5 mSv); one in eight 0.5–5 mSv; one in forty 5–20 mSv.
    mutating func drawnDose() -> Double {
        let u = unit(), v = unit()
        let value: Double = u < 0.025 ? 5 + 15 * v : u < 0.15 ? 0.5 + 4.5 * v : 0.05 + 0.45 * v
        return (value * 1000).rounded() / 1000
    }
}
