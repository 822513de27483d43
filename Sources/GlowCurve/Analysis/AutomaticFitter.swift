/// Glow-curve deconvolution with automatic initialisation.
///
/// The search (``AutomaticSearch``) runs these steps on one state, the best fit so far:
/// 1. **Seed**: candidates from the smoothed curve (maxima and shoulders, E from the local curvature),
///    plus the material preset's peaks aligned on the main maximum; a least-squares screening fit
///    from them.
/// 2. **Drop doubtful peaks** (automatic count): a peak with E on a bound or under 1 % of the signal
///    goes when the fit without it is no worse by ``AutomaticFitConfiguration/minimumInformationGain``.
/// 3. **Choose the background** (when the fit has none and it is allowed): a constant, then
///    A + B·exp(T/C), each kept only if the information criterion improves.
/// 4. **Add peaks where the residual says**: while a positive residual lobe as a new peak improves
///    the criterion by the gain (and the fit stays resolved and physical), or, for a fixed count,
///    until the count is reached.
/// 5. Steps 2 and 3 again, then **polish**: the final fit with the requested objective and
///    deterministic restarts from the best screening fit.
/// 6. **Make plausible** (``PlausibilityRefit``): implausible peaks held where they are plausible or
///    dropped, accepted only within the FOM tolerance.
/// Every step is deterministic: the same curve gives the same result on every run.
public enum AutomaticFitter {
    public static func fit(_ curve: GlowCurve, configuration: AutomaticFitConfiguration = .init()) throws(GlowFitError) -> GlowFit {
        guard curve.channelCount >= 8 else { throw .tooFewChannels(channels: curve.channelCount, parameters: 4) }
        guard curve.channelCount <= configuration.maximumChannels else {
            throw .tooManyChannels(channels: curve.channelCount, limit: configuration.maximumChannels)
        }
        try GlowFitter.requireTemperatureSpan(curve)
        guard (curve.counts.max() ?? 0) > 0 else { throw .noSignal }
        var fitConfiguration = configuration.fit
        if fitConfiguration.heatingRateKelvinPerSecond == nil {
            fitConfiguration.heatingRateKelvinPerSecond = curve.heatingRateKelvinPerSecond
        }
        if let beta = fitConfiguration.heatingRateKelvinPerSecond, !(beta.isFinite && beta > 0) { throw .invalidHeatingRate(beta) }
        var search = try AutomaticSearch(curve, configuration: configuration, fit: fitConfiguration)
        return try search.run()
    }
}
