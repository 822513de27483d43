/// A bounded Levenberg–Marquardt least-squares minimiser: minimises ½Σrᵢ(p)² for lower ≤ p ≤ upper.
///
/// Method: Marquardt's damping of the normal equations, (JᵀJ + λ·diag(JᵀJ))·δ = −Jᵀr (Marquardt, J. SIAM
/// 11 (1963) 431; Madsen, Nielsen & Tingleff, *Methods for non-linear least squares problems*, 2004,
/// §3.2 for the gain-ratio update of λ). Bounds are handled by projection with an active set: a
/// parameter on a bound whose gradient pushes outward is frozen for that step (Kanzow, Yamashita &
/// Fukushima, J. Comput. Appl. Math. 172 (2004) 375, projected LM). Deterministic: no randomness.
struct LevenbergMarquardt: Sendable {
    var maxIterations = 200
    /// Stop when the relative decrease of the cost over an accepted step is below this.
    var relativeCostTolerance = 1e-12
    /// Stop when every relative parameter change is below this.
    var relativeStepTolerance = 1e-10

    struct Outcome {
        var parameters: [Double]
        var cost: Double
        var residuals: [Double]
        var iterations: Int
        var converged: Bool
        /// JᵀJ at the solution (row-major n×n), for the covariance.
        var normalMatrix: [Double]
    }

    /// - Parameters:
    ///   - residuals: fills r (length m) at p; returns false if a value is not finite.
    ///   - jacobian: fills J (column-major, m×n: J[j*m + i] = ∂rᵢ/∂pⱼ) at p given r; false if not finite.
    func minimize(
        start: [Double], lower: [Double], upper: [Double], residualCount m: Int,
        residuals: (_ p: [Double], _ r: inout [Double]) -> Bool,
        jacobian: (_ p: [Double], _ r: [Double], _ jac: inout [Double]) -> Bool
    ) -> Outcome? {
        let n = start.count
        var p = zip(zip(start, lower), upper).map { min(max($0.0, $0.1), $1) }
        var r = [Double](repeating: 0, count: m)
        guard residuals(p, &r) else { return nil }
        var cost = 0.5 * sumOfSquares(r)
        var jac = [Double](repeating: 0, count: m * n)
        var a = [Double](repeating: 0, count: n * n)
        var g = [Double](repeating: 0, count: n)
        var lambda = 1e-3
        var nu = 2.0
        var trialR = [Double](repeating: 0, count: m)
        var iterations = 0
        var converged = false
        var needJacobian = true
        while iterations < maxIterations {
            iterations += 1
            if needJacobian {
                guard jacobian(p, r, &jac) else { return nil }
                normalEquations(jac, r, m: m, n: n, a: &a, g: &g)
                needJacobian = false
            }
            // Active set: freeze parameters on a bound that the descent direction −g pushes outward.
            var free = [Int]()
            free.reserveCapacity(n)
            for j in 0..<n {
                let atLower = p[j] <= lower[j] && -g[j] < 0
                let atUpper = p[j] >= upper[j] && -g[j] > 0
                if !(atLower || atUpper) && upper[j] > lower[j] { free.append(j) }
            }
            if free.isEmpty { converged = true; break }
            let nf = free.count
            var sub = [Double](repeating: 0, count: nf * nf)
            var rhs = [Double](repeating: 0, count: nf)
            for (ii, i) in free.enumerated() {
                rhs[ii] = -g[i]
                for (jj, j) in free.enumerated() { sub[ii * nf + jj] = a[i * n + j] }
                let d = max(a[i * n + i], 1e-30)
                sub[ii * nf + ii] += lambda * d
            }
            guard let stepFree = choleskySolve(sub, rhs, n: nf) else {
                lambda *= 10
                if lambda > 1e16 { break }
                continue
            }
            var trial = p
            for (ii, j) in free.enumerated() { trial[j] = min(max(p[j] + stepFree[ii], lower[j]), upper[j]) }
            var maxRelStep = 0.0
            for j in 0..<n { maxRelStep = max(maxRelStep, abs(trial[j] - p[j]) / max(abs(p[j]), 1e-12)) }
            if maxRelStep < relativeStepTolerance { converged = true; break }
            let ok = residuals(trial, &trialR)
            let trialCost = ok ? 0.5 * sumOfSquares(trialR) : .infinity
            // Predicted decrease for the (projected) step: ½δᵀ(λDδ − g) with δ = trial − p.
            var predicted = 0.0
            for (ii, j) in free.enumerated() {
                let d = trial[j] - p[j]
                predicted += 0.5 * d * (lambda * max(a[j * n + j], 1e-30) * stepFree[ii] - g[j])
            }
            let rho = predicted > 0 ? (cost - trialCost) / predicted : (trialCost < cost ? 1 : -1)
            if trialCost.isFinite && trialCost < cost {
                let relDecrease = (cost - trialCost) / max(cost, 1e-300)
                p = trial
                swap(&r, &trialR)
                cost = trialCost
                needJacobian = true
                let f = 2 * rho - 1
                lambda *= max(1.0 / 3.0, 1 - f * f * f)
                lambda = max(lambda, 1e-15)
                nu = 2
                if relDecrease < relativeCostTolerance { converged = true; break }
            } else {
                lambda *= nu
                nu *= 2
                if lambda > 1e16 { converged = true; break }
            }
        }
        if needJacobian, jacobian(p, r, &jac) { normalEquations(jac, r, m: m, n: n, a: &a, g: &g) }
        return Outcome(parameters: p, cost: cost, residuals: r, iterations: iterations, converged: converged, normalMatrix: a)
    }

    @inline(__always)
    func sumOfSquares(_ r: [Double]) -> Double {
        var s = 0.0
        for v in r { s += v * v }
        return s
    }

    /// JᵀJ and Jᵀr. The dot products run over four independent partial sums (channels k mod 4), which
    /// the compiler keeps in vector registers: a single running sum is a chain of dependent additions
    /// it may not reorder. Sums differ from the sequential order only by rounding (~1e-16 relative).
    func normalEquations(_ jac: [Double], _ r: [Double], m: Int, n: Int, a: inout [Double], g: inout [Double]) {
        jac.withUnsafeBufferPointer { jp in
            r.withUnsafeBufferPointer { rp in
                for i in 0..<n {
                    let ci = i * m
                    g[i] = Self.dot(jp, ci, rp, 0, m)
                    for j in i..<n {
                        let s = Self.dot(jp, ci, jp, j * m, m)
                        a[i * n + j] = s
                        a[j * n + i] = s
                    }
                }
            }
        }
    }

    /// Σₖ x[xo + k]·y[yo + k] for k < m, with four partial sums.
    @inline(__always)
    static func dot(_ x: UnsafeBufferPointer<Double>, _ xo: Int, _ y: UnsafeBufferPointer<Double>, _ yo: Int, _ m: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var k = 0
        while k + 4 <= m {
            s0 += x[xo + k] * y[yo + k]
            s1 += x[xo + k + 1] * y[yo + k + 1]
            s2 += x[xo + k + 2] * y[yo + k + 2]
            s3 += x[xo + k + 3] * y[yo + k + 3]
            k += 4
        }
        while k < m {
            s0 += x[xo + k] * y[yo + k]
            k += 1
        }
        return (s0 + s1) + (s2 + s3)
    }
}

/// Solves A·x = b for symmetric positive-definite A (row-major n×n) by Cholesky; nil if not positive definite.
func choleskySolve(_ a: [Double], _ b: [Double], n: Int) -> [Double]? {
    guard let l = choleskyFactor(a, n: n) else { return nil }
    var y = b
    for i in 0..<n {
        var s = y[i]
        for k in 0..<i { s -= l[i * n + k] * y[k] }
        y[i] = s / l[i * n + i]
    }
    for i in stride(from: n - 1, through: 0, by: -1) {
        var s = y[i]
        for k in (i + 1)..<max(i + 1, n) { s -= l[k * n + i] * y[k] }
        y[i] = s / l[i * n + i]
    }
    return y
}

func choleskyFactor(_ a: [Double], n: Int) -> [Double]? {
    var l = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
        for j in 0...i {
            var s = a[i * n + j]
            for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
            if i == j {
                guard s > 0, s.isFinite else { return nil }
                l[i * n + i] = s.squareRoot()
            } else {
                l[i * n + j] = s / l[j * n + j]
            }
        }
    }
    return l
}

/// Inverse of a symmetric positive-definite matrix (row-major), nil if singular.
func symmetricInverse(_ a: [Double], n: Int) -> [Double]? {
    var inv = [Double](repeating: 0, count: n * n)
    guard choleskyFactor(a, n: n) != nil else { return nil }
    for c in 0..<n {
        var e = [Double](repeating: 0, count: n)
        e[c] = 1
        guard let col = choleskySolve(a, e, n: n) else { return nil }
        for r in 0..<n { inv[r * n + c] = col[r] }
    }
    return inv
}
