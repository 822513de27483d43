import RealModule

/// The real branches of the Lambert W function (W·e^W = x), written here because neither Foundation
/// nor the C library has it.
///
/// Reference: Corless, Gonnet, Hare, Jeffrey & Knuth, "On the Lambert W function", Adv. Comput. Math.
/// 5 (1996) 329–359: branch-point series (4.22), asymptotic start (4.19–4.20) and Halley's iteration (5.9).
public enum LambertW {
    /// −1/e, the branch point.
    public static let branchPoint = -0.367_879_441_171_442_321_6

    /// Principal branch W₀(x), x ≥ −1/e (W₀ ≥ −1). NaN below the branch point.
    public static func w0(_ x: Double) -> Double {
        guard x.isFinite else { return x == .infinity ? .infinity : .nan }
        if x < branchPoint {
            // Allow rounding of −1/e itself.
            if x > branchPoint - 1e-15 { return -1 }
            return .nan
        }
        if x == 0 { return 0 }
        var w: Double
        let p2 = 2 * (2.718_281_828_459_045 * x + 1)
        if p2 < 0.5 {
            let p = p2 > 0 ? p2.squareRoot() : 0
            w = -1 + p - p * p / 3 + 11.0 / 72.0 * p * p * p
        } else if x < 3 {
            w = Double.log(1 + x) * (1 - Double.log(1 + Double.log(1 + x)) / (2 + Double.log(1 + x)))
        } else {
            let l1 = Double.log(x)
            let l2 = Double.log(l1)
            w = l1 - l2 + l2 / l1
        }
        return halley(w, x)
    }

    /// Lower branch W₋₁(x), −1/e ≤ x < 0 (W₋₁ ≤ −1). NaN outside.
    public static func wm1(_ x: Double) -> Double {
        guard x.isFinite, x < 0 else { return x == 0 ? -.infinity : .nan }
        if x < branchPoint {
            if x > branchPoint - 1e-15 { return -1 }
            return .nan
        }
        let p2 = 2 * (2.718_281_828_459_045 * x + 1)
        var w: Double
        if p2 < 0.5 {
            let p = -(p2 > 0 ? p2.squareRoot() : 0)
            w = -1 + p - p * p / 3 + 11.0 / 72.0 * p * p * p
        } else {
            let l1 = Double.log(-x)
            let l2 = Double.log(-l1)
            w = l1 - l2 + l2 / l1
        }
        return halley(w, x)
    }

    /// The Wright omega function ω(z) = W₀(eᶻ) for real z, without overflowing eᶻ
    /// (Corless & Jeffrey 2002). Solves ω + ln ω = z by Newton–Halley steps.
    public static func wrightOmega(_ z: Double) -> Double {
        guard z.isFinite else { return z == .infinity ? .infinity : (z.isNaN ? .nan : 0) }
        if z < -700 { return Double.exp(z) }
        var w: Double
        if z < 1 {
            w = w0(Double.exp(z))
            if z < -20 { return w }
        } else {
            w = z - Double.log(z)
        }
        for _ in 0..<30 {
            // f = w + ln w − z, f' = 1 + 1/w, f'' = −1/w²
            let f = w + Double.log(w) - z
            let f1 = 1 + 1 / w
            let f2 = -1 / (w * w)
            let step = f / (f1 - 0.5 * f * f2 / f1)
            var next = w - step
            if next <= 0 { next = w / 2 }
            if abs(next - w) <= 1e-15 * abs(next) { return next }
            w = next
        }
        return w
    }

    /// W₋₁(−e^(−z)) for z ≥ 1, without underflowing e^(−z): solves v − ln v = z with v = −W > 1.
    public static func wm1OfMinusExpMinus(_ z: Double) -> Double {
        guard z.isFinite else { return z == .infinity ? -.infinity : .nan }
        if z < 1 { return .nan }
        if z < 30 { return wm1(-Double.exp(-z)) }
        var v = z + Double.log(z)
        for _ in 0..<30 {
            let f = v - Double.log(v) - z
            let f1 = 1 - 1 / v
            let next = v - f / f1
            if abs(next - v) <= 1e-15 * next { return -next }
            v = next
        }
        return -v
    }

    static func halley(_ start: Double, _ x: Double) -> Double {
        var w = start
        for _ in 0..<50 {
            let ew = Double.exp(w)
            let f = w * ew - x
            let wp1 = w + 1
            if wp1 == 0 { return w }
            let denom = ew * wp1 - (w + 2) * f / (2 * wp1)
            if denom == 0 || !denom.isFinite { return w }
            let next = w - f / denom
            if abs(next - w) <= 1e-15 * max(1, abs(next)) { return next }
            w = next
        }
        return w
    }
}
