import ArgumentParser
import Foundation
import GlowCurve
import LabReports

/// `tld glow …`: glow-curve analysis. Register `GlowCommand.self` among the root command's subcommands.
struct GlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "glow", abstract: "Glow-curve analysis.", subcommands: [Fit.self])

    /// `tld glow fit FILE [--model …] [--peaks auto|N]`
    struct Fit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deconvolve a glow curve with automatic initialisation; print peaks, FOM and flags; write an SVG.")

        @Argument(help: "A two-column CSV file (temperature, counts); header temperature_K or temperature_C.")
        var file: String

        @Option(help: "Peak model: first, kitis1, second, general, mixed, otor.")
        var model: String = "general"

        @Option(help: "Number of peaks: auto or a number.")
        var peaks: String = "auto"

        @Option(help: "Material preset: generic, lif-mg-ti, lif-mg-cu-p.")
        var material: String = "generic"

        @Option(help: "Temperature unit when the header does not say: K or C.")
        var unit: String?

        @Option(help: "Heating rate in K/s for the frequency factor (default: from the file's times, else 1).")
        var heatingRate: Double?

        @Option(help: "The reader's reference Tm of the dosimetric peak, kelvin (enables the shift flag).")
        var referenceTm: Double?

        @Flag(help: "Sort channels whose temperature steps backwards instead of rejecting the file.")
        var sort = false

        @Flag(help: "Fit a background A + B·exp(T/C) with the peaks.")
        var background = false

        @Option(help: "Where to write the SVG picture (default: the file's name with .svg, in the current directory).")
        var svg: String?

        func validate() throws {
            guard PeakModel(name: model) != nil else { throw ValidationError("unknown model '\(model)'") }
            guard peaks == "auto" || (Int(peaks).map { $0 >= 1 && $0 <= 20 } ?? false) else {
                throw ValidationError("--peaks must be 'auto' or a number from 1 to 20")
            }
            guard MaterialPreset(name: material) != nil else { throw ValidationError("unknown material '\(material)'") }
        }

        func run() throws {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw ValidationError("cannot read \(file): \(error.localizedDescription)")
            }
            let unitValue: TemperatureUnit? = switch unit?.uppercased() {
            case "K": .kelvin
            case "C": .celsius
            default: nil
            }
            let curve = try GlowCurveCSV.parse(text, unit: unitValue, order: sort ? .sort : .reject)
            let preset = MaterialPreset(name: material) ?? .generic
            var config = AutomaticFitConfiguration(model: PeakModel(name: model) ?? .generalOrder, material: preset)
            if let n = Int(peaks) { config.peakCount = .fixed(n) }
            config.fit.heatingRateKelvinPerSecond = heatingRate
            if background { config.fit.background = .incandescence }
            var limits = QualityLimits()
            limits.referenceDosimetricPeakKelvin = referenceTm
            let analysis = try GlowAnalysis.analyse(curve, configuration: config, limits: limits)
            print(Self.report(analysis, file: file))
            let base = URL(fileURLWithPath: file).lastPathComponent
            let out = svg ?? (base.hasSuffix(".csv") ? String(base.dropLast(4)) : base) + ".svg"
            let picture = GlowCurvePlot.svg(curve: curve, fit: analysis.fit, title: URL(fileURLWithPath: file).lastPathComponent)
            try picture.write(toFile: out, atomically: true, encoding: .utf8)
            print("SVG written to \(out)")
        }

        static func report(_ a: GlowAnalysis, file: String) -> String {
            let fit = a.fit
            var lines: [String] = []
            lines.append("\(file): \(fit.model), \(fit.peaks.count) peaks, objective \(fit.objective.rawValue), heating rate \(String(format: "%.3g", fit.heatingRateKelvinPerSecond)) K/s")
            func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
            lines.append("#  " + pad("Im", 12) + pad("E (eV)", 17) + pad("s (1/s)", 12) + pad("Tm (K)", 19) + pad("b", 10) + pad("area", 13))
            for (i, p) in fit.peaks.enumerated() {
                let mark = i == a.dosimetricPeakIndex ? "*" : " "
                let b = p.peak.model.hasShapeParameter ? String(format: "%.3f", p.peak.shape) : String(format: "%.0f", p.peak.kineticOrder)
                lines.append(String(
                    format: "%@%-2d %12.5g %8.4f±%-7.4f %11.3e %9.2f±%-8.2f",
                    mark, i + 1, p.peak.maximumIntensity, p.peak.activationEnergyElectronVolt, p.activationEnergyErrorElectronVolt,
                    p.frequencyFactorPerSecond, p.peak.maximumTemperatureKelvin, p.maximumTemperatureErrorKelvin) + pad(b, 10) + String(format: " %12.5g", p.areaCounts))
            }
            lines.append("* dosimetric peak")
            if let bg = fit.background {
                lines.append(String(format: "background: A = %.4g counts, B = %.4g counts, C = %.4g K (A + B·exp(T/C))",
                                    bg.constantCounts, bg.exponentialPrefactorCounts, bg.scaleKelvin))
            }
            lines.append(String(format: "FOM %.4f %%", fit.figureOfMeritPercent))
            if a.flags.isEmpty {
                lines.append("flags: none")
            } else {
                for flag in a.flags { lines.append("flag \(flag.code): \(flag)") }
            }
            return lines.joined(separator: "\n")
        }
    }
}
