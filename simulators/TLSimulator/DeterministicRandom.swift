import Foundation  // lgamma, log, exp, sqrt

/// SplitMix64 (G. Steele, D. Lea, C. Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014; reference constants as in Vigna's splitmix64.c). Small, fast and fully deterministic:
/// every random draw of the simulator comes from a generator seeded from the scenario seed, so the
/// same scenario and the same request sequence give the same bytes.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A generator for one named stream: the seed mixed with each key in turn, so streams for
    /// different (card, element, read) keys are independent and do not depend on request order.
    public static func stream(seed: UInt64, keys: [UInt64]) -> SplitMix64 {
        var g = SplitMix64(seed: seed)
        for k in keys { g = SplitMix64(seed: g.next() ^ k) }
        return g
    }

    /// Uniform in the open interval (0, 1): 53 random bits, never exactly 0.
    public mutating func nextUnitOpen() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }

    /// Standard normal deviate by the Box–Muller transform (Box & Muller, Ann. Math. Stat. 29, 1958).
    public mutating func nextStandardNormal() -> Double {
        let u1 = nextUnitOpen(), u2 = nextUnitOpen()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A Poisson-distributed count with mean `mean` (≥ 0).
    ///
    /// - mean < 10: exact inversion by sequential search (Devroye, *Non-Uniform Random Variate
    ///   Generation*, 1986, X.3).
    /// - 10 ≤ mean < 1e9: exact transformed rejection with squeeze, "PTRS" (W. Hörmann, "The
    ///   transformed rejection method for generating Poisson random variables", Insurance:
    ///   Mathematics and Economics 12, 1993, 39–45), the algorithm NumPy uses.
    /// - mean ≥ 1e9: normal approximation N(mean, mean), where its relative error is far below 1e-4.
    public mutating func nextPoisson(mean: Double) -> UInt64 {
        guard mean > 0, mean.isFinite else { return 0 }
        if mean < 10 {
            let u = nextUnitOpen()
            var k: UInt64 = 0
            var p = exp(-mean)
            var cumulative = p
            while u > cumulative && k < 1000 {
                k += 1
                p *= mean / Double(k)
                cumulative += p
            }
            return k
        }
        if mean < 1e9 {
            let slam = mean.squareRoot()
            let loglam = log(mean)
            let b = 0.931 + 2.53 * slam
            let a = -0.059 + 0.02483 * b
            let invalpha = 1.1239 + 1.1328 / (b - 3.4)
            let vr = 0.9277 - 3.6224 / (b - 2)
            while true {
                let u = nextUnitOpen() - 0.5
                let v = nextUnitOpen()
                let us = 0.5 - abs(u)
                let k = floor((2 * a / us + b) * u + mean + 0.43)
                if us >= 0.07 && v <= vr && k >= 0 { return UInt64(k) }
                if k < 0 || (us < 0.013 && v > us) { continue }
                if log(v) + log(invalpha) - log(a / (us * us) + b) <= -mean + k * loglam - lgamma(k + 1) {
                    return UInt64(k)
                }
            }
        }
        let x = (mean + mean.squareRoot() * nextStandardNormal()).rounded()
        return x <= 0 ? 0 : UInt64(x)
    }
}

/// FNV-1a 64-bit hash of text (Fowler–Noll–Vo), used to turn card IDs into stream keys.
func fnv1a64(_ text: String) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    return h
}
