import RealModule

/// The exponential integrals E₁ and Ei, written here because neither Foundation nor the C library has them.
///
/// Definitions (Abramowitz & Stegun 1964, §5.1.1–5.1.2): E₁(x) = ∫ₓ^∞ e^(−t)/t dt for x > 0,
/// Ei(x) = −PV ∫₋ₓ^∞ e^(−t)/t dt, so that Ei(−x) = −E₁(x) for x > 0.
/// Methods: the power series A&S 5.1.11 (small x) and the continued fraction A&S 5.1.22 evaluated
/// with the modified Lentz algorithm (Press et al., *Numerical Recipes*, 3rd ed., §6.3) for x > 1.
public enum ExponentialIntegral {
    /// Euler–Mascheroni constant γ (A&S 6.1.3).
    static let eulerGamma = 0.577_215_664_901_532_860_6

    /// E₁(x) for x > 0. Returns +∞ at 0 and NaN for negative or NaN x.
    public static func e1(_ x: Double) -> Double {
        guard x.isFinite else { return x == .infinity ? 0 : .nan }
        if x < 0 { return .nan }
        if x == 0 { return .infinity }
        if x <= 1 { return e1Series(x) }
        return scaledE1(x) * Double.exp(-x)
    }

    /// eˣ·E₁(x) for x > 0: finite and well scaled even where E₁ underflows (x ≫ 700).
    public static func scaledE1(_ x: Double) -> Double {
        guard x > 0 else { return x == 0 ? .infinity : .nan }
        if x == .infinity { return 0 }
        if x <= 1 { return e1Series(x) * Double.exp(x) }
        // A&S 5.1.22: E₁(x) = e^(−x) · 1/(x+1− 1²/(x+3− 2²/(x+5− …))), modified Lentz.
        let tiny = 1e-300
        var b = x + 1
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1...200 {
            let an = -Double(i * i)
            b += 2
            d = 1 / (an * d + b)
            c = b + an / c
            let delta = c * d
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }

    /// 1 − x·eˣ·E₁(x) for x > 0, computed without the cancellation of the direct form for large x
    /// (asymptotically 1/x − 2/x² + 6/x³ …, A&S 5.1.51). Used by the Randall–Wilkins integral.
    public static func oneMinusXScaledE1(_ x: Double) -> Double {
        if x < 36 { return 1 - x * scaledE1(x) }
        // Asymptotic series 1 − x·eˣE₁(x) = Σ_{k≥1} (−1)^(k+1) k!/x^k; truncated at its smallest term
        // its error is about √(2πx)·e^(−x) (A&S 5.1.51), below 4e-15 for x ≥ 36.
        var sum = 0.0
        var term = 1.0
        for k in 1...30 {
            term *= Double(k) / x
            let signed = (k % 2 == 1) ? term : -term
            sum += signed
            if term < 1e-18 * abs(sum) { break }
            if Double(k + 1) > x { break }
        }
        return sum
    }

    /// Ei(x) for real x ≠ 0: Ei(x) = −E₁(−x) for x < 0; the series A&S 5.1.10 for 0 < x ≤ 40 and the
    /// asymptotic series A&S 5.1.51 (with Ei's sign) above.
    public static func ei(_ x: Double) -> Double {
        guard !x.isNaN else { return .nan }
        if x < 0 { return -e1(-x) }
        if x == 0 { return -.infinity }
        if x == .infinity { return .infinity }
        if x <= 40 {
            // Ei(x) = γ + ln x + Σ xᵏ/(k·k!)
            var sum = 0.0
            var term = 1.0
            for k in 1...500 {
                term *= x / Double(k)
                let add = term / Double(k)
                sum += add
                if add < 1e-17 * sum { break }
            }
            return eulerGamma + Double.log(x) + sum
        }
        var sum = 1.0
        var term = 1.0
        for k in 1...40 {
            let next = term * Double(k) / x
            if next > term { break }
            term = next
            sum += term
            if term < 1e-17 { break }
        }
        return Double.exp(x) / x * sum
    }

    /// E₁ by A&S 5.1.11: E₁(x) = −γ − ln x − Σ (−x)ᵏ/(k·k!).
    static func e1Series(_ x: Double) -> Double {
        var sum = 0.0
        var term = 1.0
        for k in 1...200 {
            term *= -x / Double(k)
            let add = term / Double(k)
            sum += add
            if abs(add) < 1e-17 * abs(sum) { break }
        }
        return -eulerGamma - Double.log(x) - sum
    }
}
