import RealModule

/// The incandescence background A + B·exp(T/C) fitted to a background read (an empty planchet, or a
/// second read of an annealed element), as in tgcd's background term (Peng et al. 2016).
/// Reader dark counts are the constant A; ``GlowCurve/subtractingDarkCounts(perChannel:)`` removes a known level.
public enum IncandescenceBackground {
    /// Fits A + B′·exp((T − T_end)/C) by bounded Levenberg–Marquardt, least squares.
    /// - Throws: ``GlowFitError`` when the curve is too short or the fit fails.
    public static func fit(_ curve: GlowCurve) throws(GlowFitError) -> FittedBackground {
        let t = curve.temperatureKelvin, y = curve.counts
        guard t.count >= 6, let end = t.last else { throw .tooFewChannels(channels: t.count, parameters: 3) }
        let yMax = max(y.max() ?? 1, 1e-300)
        let start = [max(0, y.min() ?? 0), max(y.last ?? 0, 1e-9), 30.0]
        let lo = [-yMax, 0, 2.0], hi = [yMax, 10 * yMax, 500]
        let m = t.count
        let out = LevenbergMarquardt().minimize(
            start: start, lower: lo, upper: hi, residualCount: m,
            residuals: { p, r in
                for i in 0..<m { r[i] = p[0] + p[1] * Double.exp((t[i] - end) / p[2]) - y[i] }
                return r.allSatisfy(\.isFinite)
            },
            jacobian: { p, _, j in
                for i in 0..<m {
                    let e = Double.exp((t[i] - end) / p[2])
                    j[i] = 1
                    j[m + i] = e
                    j[2 * m + i] = -p[1] * e * (t[i] - end) / (p[2] * p[2])
                }
                return true
            })
        guard let out else { throw .modelNotFinite }
        return FittedBackground(constantCounts: out.parameters[0], exponentialAtReferenceCounts: out.parameters[1], referenceKelvin: end, scaleKelvin: out.parameters[2])
    }
}
