import RealModule

/// A ``FitProblem``'s solution as a ``GlowFit``: the peaks with their standard errors and areas, the
/// background, the figure of merit and the information criteria.
extension FitProblem {
    func result(_ sol: Solution, iterations: Int, starts: Int) -> GlowFit {
        let m = y.count
        let p = sol.parameters
        let n = parameterCount
        var components: [[Double]] = []
        var fittedPeaks: [FittedPeak] = []
        var rss = 0.0
        for k in 0..<m { let d = sol.fitted[k] - y[k]; rss += d * d }
        let (lo, hi) = sol.lower.count == n ? (sol.lower, sol.upper) : bounds(around: sol.parameters)
        let atBound = (0..<n).map { j in
            let span = max(hi[j] - lo[j], 1e-300)
            return hi[j] > lo[j] && ((p[j] - lo[j]) <= 1e-6 * span || (hi[j] - p[j]) <= 1e-6 * span)
        }
        let errors = standardErrors(at: p, residualSumOfSquares: rss, atBound: atBound)
        let beta = configuration.heatingRateKelvinPerSecond ?? 1
        for i in 0..<peakCount {
            var comp = [Double](repeating: 0, count: m)
            let pk = peak(p, i)
            _ = pk.accumulate(into: &comp, temperatures: t, startKelvin: startKelvin, scale: 1)
            components.append(comp)
            let index = { (parameter: PeakParameter) in layout.index(parameter, ofPeak: i) }
            fittedPeaks.append(FittedPeak(
                peak: pk, areaCounts: comp.reduce(0, +),
                maximumIntensityError: errors[index(.maximumIntensity)],
                activationEnergyErrorElectronVolt: errors[index(.activationEnergy)],
                maximumTemperatureErrorKelvin: errors[index(.maximumTemperature)],
                shapeError: model.hasShapeParameter ? errors[index(.shape)] : .nan,
                frequencyFactorPerSecond: pk.frequencyFactorPerSecond(heatingRateKelvinPerSecond: beta),
                parametersAtBound: Set(layout.indices(ofPeak: i).filter { atBound[$0.index] }.map(\.parameter)),
                fixedParameters: constraints[i].fixedParameters, startIndex: i))
        }
        var bg = [Double](repeating: 0, count: m)
        addBackground(p, into: &bg)
        var background: FittedBackground? = nil
        switch configuration.background {
        case .none: break
        case .constant:
            background = FittedBackground(
                constantCounts: p[layout.index(.constant)], exponentialAtReferenceCounts: 0, referenceKelvin: endKelvin,
                scaleKelvin: .infinity)
        case .incandescence:
            background = FittedBackground(
                constantCounts: p[layout.index(.constant)], exponentialAtReferenceCounts: p[layout.index(.exponentialAtReference)],
                referenceKelvin: endKelvin, scaleKelvin: p[layout.index(.scale)])
        }
        // Sort peaks by temperature for a stable presentation.
        let order = fittedPeaks.indices.sorted { fittedPeaks[$0].peak.maximumTemperatureKelvin < fittedPeaks[$1].peak.maximumTemperatureKelvin }
        let bic = Double(m) * Double.log(max(rss, 1e-300) / Double(m)) + Double(n) * Double.log(Double(m))
        var sumAbs = 0.0
        for k in 0..<m { sumAbs += abs(sol.fitted[k] - y[k]) }
        let laplace = 2 * Double(m) * Double.log(max(sumAbs, 1e-300) / Double(m)) + Double(n) * Double.log(Double(m))
        return GlowFit(
            model: model, peaks: order.map { fittedPeaks[$0] }, background: background, fittedCounts: sol.fitted,
            componentCounts: order.map { components[$0] }, backgroundCounts: bg,
            figureOfMeritPercent: figureOfMeritPercent(observed: y, fitted: sol.fitted), sumOfSquares: rss,
            bayesianInformationCriterion: bic, laplaceInformationCriterion: laplace, heatingRateKelvinPerSecond: beta, iterations: iterations,
            starts: starts, objective: configuration.objective)
    }

    /// One-standard-error uncertainties from the unweighted covariance σ²(JᵀJ)⁻¹ at `p`, per position
    /// of the layout; NaN where not estimable. Parameters held on a bound are fixed: the covariance is
    /// that of the free ones.
    func standardErrors(at p: [Double], residualSumOfSquares rss: Double, atBound: [Bool]) -> [Double] {
        let m = y.count
        let n = parameterCount
        let ones = [Double](repeating: 1, count: m)
        var jac = [Double](repeating: 0, count: m * n)
        var errors = [Double](repeating: .nan, count: n)
        guard jacobian(p, weights: ones, into: &jac) else { return errors }
        var a = [Double](repeating: 0, count: n * n)
        var g = [Double](repeating: 0, count: n)
        LevenbergMarquardt().normalEquations(jac, [Double](repeating: 0, count: m), m: m, n: n, a: &a, g: &g)
        let free = (0..<n).filter { j in a[j * n + j] > 0 && !atBound[j] }
        let nf = free.count
        guard nf > 0 else { return errors }
        // Scale to unit diagonal for a stable inverse.
        var sub = [Double](repeating: 0, count: nf * nf)
        var d = [Double](repeating: 0, count: nf)
        for (ii, i) in free.enumerated() { d[ii] = 1 / a[i * n + i].squareRoot() }
        for (ii, i) in free.enumerated() {
            for (jj, j) in free.enumerated() { sub[ii * nf + jj] = a[i * n + j] * d[ii] * d[jj] }
        }
        if let inv = symmetricInverse(sub, n: nf) {
            let s2 = rss / Double(max(1, m - nf))
            for (ii, j) in free.enumerated() { errors[j] = (s2 * inv[ii * nf + ii]).squareRoot() * d[ii] }
        }
        return errors
    }
}
