import GlowCurve
import LabStore

extension BatchEvaluator {
    /// The reader's blank in a batch (``ReaderBlank``): every stored element of its control dosimeters,
    /// which travelled unirradiated with the shipment and were read on the same reader in the same run.
    /// nil with fewer than three such elements: the incandescence check then falls back to the
    /// curve's own tail (only for curves above ``qualityScreenMinimumNetCounts``) and dark counts are
    /// not judged.
    func readerBlank(_ readings: [String: [StoredReading]], manifest: [String: BatchCard]) -> ReaderBlank? {
        var blanks: [(curve: GlowCurve, darkCountsPerChannel: Double)] = []
        for (id, list) in readings where manifest[id]?.role == .control {
            for r in list {
                guard case let .stored(curve) = r.outcome, let g = try? curve.glowCurve() else { continue }
                blanks.append((g, curve.darkCountsPerChannel))
            }
        }
        return ReaderBlank(blanks: blanks)
    }

    /// The screen's flags for one element: the card-relative checks (spikes, saturation, peak shift,
    /// low-temperature peak) above the minimum net signal, and, when the batch has a blank, the
    /// reader-relative incandescence and dark-count checks for every element instead of the
    /// card-relative incandescence.
    func glowFlags(_ g: GlowCurve, darkCountsPerChannel: Double, netCounts: Double, blank: ReaderBlank?) -> [QualityFlag] {
        var found = netCounts >= qualityScreenMinimumNetCounts ? GlowQuality.screen(g, limits: qualityLimits).flags : []
        if let blank {
            found = found.filter { if case .incandescence = $0 { false } else { true } }
            found += GlowQuality.readerRelativeFlags(g, darkCountsPerChannel: darkCountsPerChannel, blank: blank, limits: readerBlankLimits)
        }
        return found
    }
}
