import TLSimulator

extension SplitMix64 {
    /// A true dose for a simulated worn card (`tld scenario --draw`): most read near background
    /// (0.05–0.5 mSv), one in eight 0.5–5 mSv, one in forty 5–20 mSv; rounded to 1 µSv.
    mutating func drawnDose() -> Double {
        let u = nextUnitOpen(), v = nextUnitOpen()
        let value: Double = u < 0.025 ? 5 + 15 * v : u < 0.15 ? 0.5 + 4.5 * v : 0.05 + 0.45 * v
        return (value * 1000).rounded() / 1000
    }
}
