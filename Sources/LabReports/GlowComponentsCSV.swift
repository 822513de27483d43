import Foundation
import GlowCurve

/// A fit's components as CSV (tgcd's `outfile`): one row per channel with the temperature, the
/// measured counts, the fitted sum, the background and each peak; a comment line per peak gives its
/// parameters. Columns: `temperature_K,measured,fit,background,peak_1,…`.
public enum GlowComponentsCSV {
    public static func csv(curve: GlowCurve, fit: GlowFit) -> String {
        var out = ""
        for (i, p) in fit.peaks.enumerated() {
            out += String(format: "# peak_%d: %@ Im=%.6g E=%.6g eV Tm=%.6g K b=%.6g s=%.6g /s area=%.6g\n",
                          i + 1, p.peak.model.rawValue, p.peak.maximumIntensity, p.peak.activationEnergyElectronVolt,
                          p.peak.maximumTemperatureKelvin, p.peak.shape, p.frequencyFactorPerSecond, p.areaCounts)
        }
        out += String(format: "# FOM %.6g %%\n", fit.figureOfMeritPercent)
        out += (["temperature_K", "measured", "fit", "background"] + fit.peaks.indices.map { "peak_\($0 + 1)" }).joined(separator: ",") + "\n"
        for k in curve.temperatureKelvin.indices {
            var row = [curve.temperatureKelvin[k], curve.counts[k], fit.fittedCounts[k], fit.backgroundCounts[k]]
            row += fit.componentCounts.map { $0[k] }
            out += row.map { String(format: "%.8g", $0) }.joined(separator: ",") + "\n"
        }
        return out
    }
}
