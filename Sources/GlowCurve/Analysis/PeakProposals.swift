/// Where the automatic search puts peaks: seeds from the curve's features and the material preset,
/// and new peaks at positive lobes of the residual.
enum PeakProposals {
    /// Starting peaks from the curve's features and the material preset.
    static func seeds(_ curve: GlowCurve, features: CurveFeatures, configuration: AutomaticFitConfiguration) -> [GlowPeak] {
        let model = configuration.model
        let er = configuration.fit.energyRangeElectronVolt
        let cands = features.candidates()
        guard let main = cands.max(by: { $0.heightCounts < $1.heightCounts }) else { return [] }
        let mainIndex = features.temperatureKelvin.firstIndex { $0 >= main.temperatureKelvin } ?? 0
        let width = max(features.fullWidthAtHalfMaximum(atChannel: mainIndex), 1)
        // E of the main peak from the curvature, else from the width (Chen 1969: E ≈ 2.52kTm²/ω − 2kTm).
        let k = boltzmannElectronVoltPerKelvin
        var mainE = main.energyEstimateElectronVolt
        if !mainE.isFinite { mainE = 2.52 * k * main.temperatureKelvin * main.temperatureKelvin / width - 2 * k * main.temperatureKelvin }
        mainE = clamp(mainE, er)
        var peaks: [GlowPeak] = []
        for c in cands {
            // Peaks of equal width have E ∝ Tm²: a shoulder borrows the main peak's width.
            var e = c.energyEstimateElectronVolt
            let widthBased = mainE * (c.temperatureKelvin / main.temperatureKelvin) * (c.temperatureKelvin / main.temperatureKelvin)
            if !e.isFinite || e > 2 * widthBased || e < 0.5 * widthBased { e = widthBased }
            peaks.append(GlowPeak(
                model: model, maximumIntensity: c.heightCounts * (c.isMaximum ? 0.9 : 0.5),
                activationEnergyElectronVolt: clamp(e, er), maximumTemperatureKelvin: c.temperatureKelvin))
        }
        // Preset peaks, aligned so the dosimetric peak sits on the main maximum, where no candidate is near.
        if let dosimetric = configuration.material.dosimetricPeak {
            let shift = main.temperatureKelvin - dosimetric.maximumTemperatureKelvin
            let lo = curve.temperatureKelvin.first ?? 0, hi = curve.temperatureKelvin.last ?? 0
            for p in configuration.material.peaks {
                let t = p.maximumTemperatureKelvin + shift
                guard t > lo + width / 2, t < hi - width / 2 else { continue }
                if peaks.contains(where: { abs($0.maximumTemperatureKelvin - t) < 0.35 * width }) { continue }
                let i = features.temperatureKelvin.firstIndex { $0 >= t } ?? 0
                let h = features.smoothed[i]
                guard h > 0.02 * main.heightCounts else { continue }
                peaks.append(GlowPeak(
                    model: model, maximumIntensity: 0.4 * h, activationEnergyElectronVolt: clamp(p.activationEnergyElectronVolt, er),
                    maximumTemperatureKelvin: t))
            }
        }
        return peaks.sorted { $0.maximumTemperatureKelvin < $1.maximumTemperatureKelvin }
    }

    /// Positive lobes of the smoothed residual, largest area first, each proposed as a new peak.
    static func residualLobes(curve: GlowCurve, fit: GlowFit, features: CurveFeatures, significance: Double = 0) -> [GlowPeak] {
        let r0 = zip(curve.counts, fit.fittedCounts).map { $0 - $1 }
        let r = CurveFeatures.savitzkyGolay(r0, halfWindow: features.halfWindow)
        let t = curve.temperatureKelvin
        var lobes: [(area: Double, index: Int)] = []
        var i = 0
        while i < r.count {
            guard r[i] > 0 else { i += 1; continue }
            var area = 0.0, peakIndex = i, variance = 0.0
            while i < r.count && r[i] > 0 {
                area += r[i]
                variance += features.localNoiseCounts[i] * features.localNoiseCounts[i]
                if r[i] > r[peakIndex] { peakIndex = i }
                i += 1
            }
            // Significance: the lobe's area against the local channel noise summed over its length.
            if area > significance * variance.squareRoot() {
                lobes.append((area, peakIndex))
            }
        }
        lobes.sort { $0.area > $1.area }
        return lobes.compactMap { lobe in
            let tm = t[lobe.index]
            guard lobe.index > 1, lobe.index < t.count - 2 else { return nil }
            let nearest = fit.peaks.min { abs($0.peak.maximumTemperatureKelvin - tm) < abs($1.peak.maximumTemperatureKelvin - tm) }
            let ref = nearest?.peak
            let e = ref.map { $0.activationEnergyElectronVolt * (tm / $0.maximumTemperatureKelvin) * (tm / $0.maximumTemperatureKelvin) } ?? 1.2
            return GlowPeak(
                model: fit.model, maximumIntensity: r[lobe.index], activationEnergyElectronVolt: min(max(e, 0.6), 3.4),
                maximumTemperatureKelvin: tm, shape: ref?.shape)
        }
    }

    static func clamp(_ x: Double, _ r: ClosedRange<Double>) -> Double { min(max(x, r.lowerBound), r.upperBound) }
}
