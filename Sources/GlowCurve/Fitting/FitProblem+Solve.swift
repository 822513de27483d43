/// Solving a ``FitProblem`` from one start: a bounded least-squares run (``LevenbergMarquardt``),
/// then, for the least-absolute objective, iteratively reweighted least squares (Holland & Welsch,
/// Commun. Stat. A 6 (1977) 813).
extension FitProblem {
    struct Solution {
        var parameters: [Double]
        var fitted: [Double]
        var objectiveValue: Double
        var iterations: Int
        /// The bounds the solution was found within.
        var lower: [Double] = []
        var upper: [Double] = []
    }

    /// Reweighting rounds of the least-absolute objective (iteratively reweighted least squares).
    static let reweightingRounds = 20
    /// Rounds every start of a multi-start fit runs before the best is refined (2: the same GLOCANIN results as 4, 7 % faster) (see ``GlowFitter/fit``).
    static let screeningReweightingRounds = 2

    /// Least squares, then (for the least-absolute objective) iteratively reweighted rounds.
    func solve(from start: [Double], reweightingRounds: Int = FitProblem.reweightingRounds) -> Solution? {
        let (lo, hi) = bounds(around: start)
        let weights = [Double](repeating: 1, count: y.count)
        var lm = LevenbergMarquardt()
        lm.maxIterations = configuration.maxIterations
        lm.relativeCostTolerance = configuration.relativeCostTolerance
        guard let first = run(lm, start, lo, hi, weights) else { return nil }
        var fitted = [Double](repeating: 0, count: y.count)
        guard evaluate(first.parameters, into: &fitted) else { return nil }
        let leastSquares = Solution(parameters: first.parameters, fitted: fitted, objectiveValue: objective(fitted),
                                    iterations: first.iterations, lower: lo, upper: hi)
        guard configuration.objective == .leastAbsolute else { return leastSquares }
        return reweight(leastSquares, rounds: reweightingRounds) ?? leastSquares
    }

    /// Continues the least-absolute objective from `solution` (within its bounds) for up to `rounds`
    /// reweighting rounds: weights 1/√|r| make the weighted squares approach Σ|r|. Returns the best
    /// solution seen (at least `solution` itself), its iterations added to the solution's.
    func reweight(_ solution: Solution, rounds: Int) -> Solution? {
        var lm = LevenbergMarquardt()
        lm.maxIterations = min(configuration.maxIterations, 30)
        lm.relativeCostTolerance = max(1e-9, configuration.relativeCostTolerance)
        let floor = 1e-7 * yMax
        var weights = [Double](repeating: 1, count: y.count)
        var best = solution
        var p = solution.parameters, fitted = solution.fitted, iterations = solution.iterations
        for _ in 0..<max(0, rounds) {
            for i in weights.indices { weights[i] = 1 / max(abs(fitted[i] - y[i]), floor).squareRoot() }
            guard let next = run(lm, p, solution.lower, solution.upper, weights) else { break }
            iterations += next.iterations
            var f = [Double](repeating: 0, count: y.count)
            guard evaluate(next.parameters, into: &f) else { break }
            let value = objective(f)
            p = next.parameters
            fitted = f
            if value < best.objectiveValue {
                let improvement = (best.objectiveValue - value) / max(best.objectiveValue, 1e-300)
                best = Solution(parameters: p, fitted: f, objectiveValue: value, iterations: iterations, lower: solution.lower, upper: solution.upper)
                if improvement < 1e-6 { break }
            } else {
                break
            }
        }
        best.iterations = iterations
        return best
    }

    /// Σ(fit − y)² or Σ|fit − y| by the configured objective.
    func objective(_ fitted: [Double]) -> Double {
        var s = 0.0
        switch configuration.objective {
        case .leastSquares: for i in y.indices { let d = fitted[i] - y[i]; s += d * d }
        case .leastAbsolute: for i in y.indices { s += abs(fitted[i] - y[i]) }
        }
        return s
    }

    /// One bounded Levenberg–Marquardt run on the weighted residuals w·(fit − y).
    func run(_ lm: LevenbergMarquardt, _ start: [Double], _ lo: [Double], _ hi: [Double], _ w: [Double]) -> LevenbergMarquardt.Outcome? {
        let m = y.count
        return lm.minimize(
            start: start, lower: lo, upper: hi, residualCount: m,
            residuals: { p, r in
                guard evaluate(p, into: &r) else { return false }
                for i in 0..<m { r[i] = w[i] * (r[i] - y[i]) }
                return true
            },
            jacobian: { p, _, jac in jacobian(p, weights: w, into: &jac) })
    }
}
