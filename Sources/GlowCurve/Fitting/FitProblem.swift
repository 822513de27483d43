import RealModule

/// One fit's least-squares problem: the curve (data), the peak model and background (the parameter
/// layout), the allowed ranges, and the model curve with its Jacobian at a parameter vector.
///
/// The optimiser (``LevenbergMarquardt``) sees only vectors; every position in them is named by
/// ``layout``.
struct FitProblem {
    /// Channel temperatures, kelvin.
    let t: [Double]
    /// Channel counts.
    let y: [Double]
    let model: PeakModel
    let layout: ParameterLayout
    let configuration: GlowFitConfiguration
    /// One per peak.
    let constraints: [PeakConstraint]
    let startKelvin: Double
    /// The last channel's temperature: the reference of the exponential background term.
    let endKelvin: Double
    let yMax: Double

    var peakCount: Int { layout.peakCount }
    var parameterCount: Int { layout.count }

    init(curve: GlowCurve, model: PeakModel, peakCount: Int, configuration: GlowFitConfiguration, constraints: [PeakConstraint]) {
        self.constraints = constraints
        t = curve.temperatureKelvin
        y = curve.counts
        self.model = model
        layout = ParameterLayout(model: model, peakCount: peakCount, background: configuration.background)
        self.configuration = configuration
        startKelvin = t.first ?? 0
        endKelvin = t.last ?? 0
        yMax = max(curve.counts.max() ?? 1, 1e-300)
    }

    /// The parameter vector of `peaks`, with the background's starting values from the curve.
    func pack(_ peaks: [GlowPeak]) -> [Double] {
        var p = [Double](repeating: 0, count: layout.count)
        for (i, peak) in peaks.enumerated() { layout.store(peak, at: i, in: &p) }
        switch configuration.background {
        case .none: break
        case .constant:
            p[layout.index(.constant)] = max(0, y.min() ?? 0)
        case .incandescence:
            p[layout.index(.constant)] = max(0, y.min() ?? 0)
            p[layout.index(.exponentialAtReference)] = max(0, (y.last ?? 0) * 0.5)
            p[layout.index(.scale)] = 20
        }
        return p
    }

    func peak(_ p: [Double], _ i: Int) -> GlowPeak { layout.peak(i, in: p) }

    /// The bounds of every parameter for a fit from `start`: the fitter's own ranges (Im up to 5× the
    /// curve's maximum, E in the configured range, Tm within the configured freedom of its start, the
    /// model's shape range) narrowed by each peak's constraint, and the minimum peak distance.
    func bounds(around start: [Double]) -> (lower: [Double], upper: [Double]) {
        var lo = [Double](repeating: 0, count: layout.count), hi = lo
        let er = configuration.energyRangeElectronVolt
        let freedom = configuration.maximumTemperatureFreedomKelvin
        for i in 0..<peakCount {
            let c = constraints[i]
            for (parameter, j) in layout.indices(ofPeak: i) {
                let (lower, upper): (Double, Double)
                switch parameter {
                case .maximumIntensity: (lower, upper) = (0, yMax * 5)
                case .activationEnergy: (lower, upper) = (er.lowerBound, er.upperBound)
                case .maximumTemperature:
                    (lower, upper) = (max(startKelvin, min(start[j], endKelvin) - freedom), min(endKelvin, start[j] + freedom))
                case .shape: (lower, upper) = (model.shapeRange.lowerBound, model.shapeRange.upperBound)
                }
                (lo[j], hi[j]) = c.narrow(lower: lower, upper: upper, parameter)
            }
        }
        // Minimum distance between peaks: each Tm stays on its side of the midpoint between
        // neighbouring starts, half the distance away from it.
        if let d = configuration.minimumPeakDistanceKelvin, d > 0, peakCount > 1 {
            let tm = (0..<peakCount).map { layout.index(.maximumTemperature, ofPeak: $0) }
            let order = (0..<peakCount).sorted { start[tm[$0]] < start[tm[$1]] }
            for k in 1..<order.count {
                let a = tm[order[k - 1]], b = tm[order[k]]
                let mid = 0.5 * (start[a] + start[b])
                hi[a] = min(hi[a], mid - d / 2)
                lo[b] = max(lo[b], mid + d / 2)
            }
            for j in tm where lo[j] > hi[j] {
                let m = 0.5 * (lo[j] + hi[j])
                lo[j] = m
                hi[j] = m
            }
        }
        switch configuration.background {
        case .none: break
        case .constant:
            (lo[layout.index(.constant)], hi[layout.index(.constant)]) = (0, yMax)
        case .incandescence:
            (lo[layout.index(.constant)], hi[layout.index(.constant)]) = (0, yMax)
            (lo[layout.index(.exponentialAtReference)], hi[layout.index(.exponentialAtReference)]) = (0, yMax * 10)
            (lo[layout.index(.scale)], hi[layout.index(.scale)]) = (3, 200)
        }
        return (lo, hi)
    }

    /// Model curve at p into `out`; false if not finite.
    func evaluate(_ p: [Double], into out: inout [Double]) -> Bool {
        for i in out.indices { out[i] = 0 }
        var ok = true
        for i in 0..<peakCount {
            ok = peak(p, i).accumulate(into: &out, temperatures: t, startKelvin: startKelvin, scale: 1) && ok
        }
        addBackground(p, into: &out)
        return ok
    }

    func addBackground(_ p: [Double], into out: inout [Double]) {
        switch configuration.background {
        case .none: break
        case .constant:
            let a = p[layout.index(.constant)]
            for i in out.indices { out[i] += a }
        case .incandescence:
            let a = p[layout.index(.constant)], b = p[layout.index(.exponentialAtReference)], c = p[layout.index(.scale)]
            for i in out.indices { out[i] += a + b * Double.exp((t[i] - endKelvin) / c) }
        }
    }

    /// Column-major Jacobian of the weighted residuals. Im and the background are analytic, and so are
    /// E and Tm of both first-order forms and E, Tm and b of the general order (the automatic fit's
    /// default model: one pass instead of four evaluations per peak); otherwise E, Tm and the shape by
    /// forward differences of that peak alone (relative step 1e-7, error ~1e-7 relative).
    func jacobian(_ p: [Double], weights w: [Double], into jac: inout [Double]) -> Bool {
        let m = y.count
        var base = [Double](repeating: 0, count: m)
        var bumped = [Double](repeating: 0, count: m)
        var extra = [Double](repeating: 0, count: m)
        var shapeColumn = [Double](repeating: 0, count: model == .generalOrder ? m : 0)
        for i in 0..<peakCount {
            // The first element of each parameter's column.
            let imColumn = layout.index(.maximumIntensity, ofPeak: i) * m
            let eColumn = layout.index(.activationEnergy, ofPeak: i) * m
            let tmColumn = layout.index(.maximumTemperature, ofPeak: i) * m
            var pk = peak(p, i)
            let im = pk.maximumIntensity
            // Evaluate with unit Im so the Im column is exact even at Im = 0.
            pk.maximumIntensity = 1
            if model == .firstOrder || model == .firstOrderKitis {
                for k in 0..<m { base[k] = 0; bumped[k] = 0; extra[k] = 0 }
                let ok = model == .firstOrder
                    ? pk.accumulateFirstOrderWithDerivatives(value: &base, dE: &bumped, dTm: &extra, temperatures: t)
                    : pk.accumulateKitisFirstOrderWithDerivatives(value: &base, dE: &bumped, dTm: &extra, temperatures: t)
                guard ok else { return false }
                for k in 0..<m {
                    jac[imColumn + k] = w[k] * base[k]
                    jac[eColumn + k] = w[k] * im * bumped[k]
                    jac[tmColumn + k] = w[k] * im * extra[k]
                }
                continue
            }
            if model == .generalOrder {
                let shapeColumnStart = layout.index(.shape, ofPeak: i) * m
                for k in 0..<m { base[k] = 0; bumped[k] = 0; extra[k] = 0; shapeColumn[k] = 0 }
                guard pk.accumulateGeneralOrderWithDerivatives(value: &base, dE: &bumped, dTm: &extra, dB: &shapeColumn, temperatures: t)
                else { return false }
                for k in 0..<m {
                    jac[imColumn + k] = w[k] * base[k]
                    jac[eColumn + k] = w[k] * im * bumped[k]
                    jac[tmColumn + k] = w[k] * im * extra[k]
                    jac[shapeColumnStart + k] = w[k] * im * shapeColumn[k]
                }
                continue
            }
            for k in 0..<m { base[k] = 0 }
            guard pk.accumulate(into: &base, temperatures: t, startKelvin: startKelvin, scale: 1) else { return false }
            for k in 0..<m { jac[imColumn + k] = w[k] * base[k] }
            for (parameter, j) in layout.indices(ofPeak: i) where parameter != .maximumIntensity {
                var moved = pk
                let value = p[j]
                let h = max(abs(value) * 1e-7, 1e-9)
                switch parameter {
                case .activationEnergy: moved.activationEnergyElectronVolt = value + h
                case .maximumTemperature: moved.maximumTemperatureKelvin = value + h
                case .shape: moved.shape = value + h
                case .maximumIntensity: continue
                }
                for k in 0..<m { bumped[k] = 0 }
                guard moved.accumulate(into: &bumped, temperatures: t, startKelvin: startKelvin, scale: 1) else { return false }
                let col = j * m
                for k in 0..<m { jac[col + k] = w[k] * im * (bumped[k] - base[k]) / h }
            }
        }
        switch configuration.background {
        case .none: break
        case .constant:
            let a = layout.index(.constant) * m
            for k in 0..<m { jac[a + k] = w[k] }
        case .incandescence:
            let a = layout.index(.constant) * m, bColumn = layout.index(.exponentialAtReference) * m, cColumn = layout.index(.scale) * m
            let b = p[layout.index(.exponentialAtReference)], c = p[layout.index(.scale)]
            for k in 0..<m {
                let e = Double.exp((t[k] - endKelvin) / c)
                jac[a + k] = w[k]
                jac[bColumn + k] = w[k] * e
                jac[cColumn + k] = w[k] * b * e * (-(t[k] - endKelvin) / (c * c))
            }
        }
        return true
    }
}
