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
        let layout = ParameterLayout.backgroundOnly(.incandescence)
        let a = layout.index(.constant), b = layout.index(.exponentialAtReference), c = layout.index(.scale)
        var start = [Double](repeating: 0, count: layout.count), lo = start, hi = start
        (start[a], lo[a], hi[a]) = (max(0, y.min() ?? 0), -yMax, yMax)
        (start[b], lo[b], hi[b]) = (max(y.last ?? 0, 1e-9), 0, 10 * yMax)
        (start[c], lo[c], hi[c]) = (30, 2, 500)
        let m = t.count
        let out = LevenbergMarquardt().minimize(
            start: start, lower: lo, upper: hi, residualCount: m,
            residuals: { p, r in
                for i in 0..<m { r[i] = p[a] + p[b] * Double.exp((t[i] - end) / p[c]) - y[i] }
                return r.allSatisfy(\.isFinite)
            },
            jacobian: { p, _, j in
                for i in 0..<m {
                    let e = Double.exp((t[i] - end) / p[c])
                    j[a * m + i] = 1
                    j[b * m + i] = e
                    j[c * m + i] = -p[b] * e * (t[i] - end) / (p[c] * p[c])
                }
                return true
            })
        guard let out else { throw .modelNotFinite }
        return FittedBackground(
            constantCounts: out.parameters[a], exponentialAtReferenceCounts: out.parameters[b], referenceKelvin: end,
            scaleKelvin: out.parameters[c])
    }
}
