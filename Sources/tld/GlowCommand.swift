import ArgumentParser
import Foundation
import GlowCurve
import LabReports

/// `tld glow …`: glow-curve analysis. Register `GlowCommand.self` among the root command's subcommands.
struct GlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "glow", abstract: "Glow-curve analysis.", subcommands: [Fit.self])

    /// `tld glow fit FILE [--model …] [--peaks auto|N] [--peak SPEC …] [--components FILE]`
    struct Fit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deconvolve a glow curve; print peaks, FOM and flags; write an SVG.",
            discussion: """
                Without --peak the fit is automatic: peaks are added while the information criterion \
                improves and the resolution test passes, and a peak whose parameters are implausible \
                (on a bound, an uncertainty above its value, s outside 1e5…1e22 s⁻¹) is refitted or \
                dropped; what stays implausible is flagged `implausible-parameter` (docs/glow-fit.md).

                With --peak (or --parameters FILE) exactly those peaks are fitted, as in tgcd:
                  --peak "Tm=480,E=1.2"        starting values (Tm in K required;
                                               Im and E estimated if absent)
                  --peak "Tm=512,E=1.9..2.2"   E held between 1.9 and 2.2 eV
                  --peak "Tm=450,b=1.5,fix=b"  b fixed at 1.5 (fix=E+b: several)
                  --fix E  |  --fix 2:E        fix E of every peak giving it,
                                               or of peak 2 only
                  --min-distance 10            Tm of two peaks at least 10 K apart
                A parameter file holds one peak per line in the same syntax \
                (# starts a comment).

                Uncertainties print as "at bound" for a parameter on a bound of its range and as \
                "fixed" for a fixed one. Temperature steps back of up to 1.5 K (thermocouple noise on \
                the hold) are sorted; larger ones are refused unless --sort. Files may use LF or CRLF.

                Examples:
                  tld glow fit refglow_x005.csv --components x005-peaks.csv
                  tld glow fit batch.binx --record 3     (a TL record of a BINX file)
                  tld glow fit curve.csv --model first --peak Tm=420 \\
                      --peak Tm=460 --peak "Tm=512,E=2.0"
                """)

        @Argument(help: "A two- or three-column CSV file (temperature, counts[, time s]; header temperature_K or temperature_C), or a Risø BIN/BINX file (.bin, .binx) with --record.")
        var file: String

        @Option(help: "The record (from 1) of a BIN/BINX file to fit; it must be a TL record.")
        var record: Int?

        @Option(help: "Peak model: first, kitis1, second, general, mixed, otor.")
        var model: String = "general"

        @Option(help: "Number of peaks: auto or a number (ignored with --peak).")
        var peaks: String = "auto"

        @Option(name: .customLong("peak"), help: "A peak to fit, e.g. \"Tm=480,E=1.2..1.6,fix=b\" (repeat per peak).")
        var peakSpecs: [String] = []

        @Option(help: "A file of peaks, one per line in the --peak syntax.")
        var parameters: String?

        @Option(help: "Fix a parameter (Im, E, Tm, b) of every --peak that gives it, or of one peak: 2:E (repeatable).")
        var fix: [String] = []

        @Option(help: "Minimum distance between two peaks' Tm, kelvin.")
        var minDistance: Double?

        @Option(help: "Material preset: generic, lif-mg-ti, lif-mg-cu-p.")
        var material: String = "generic"

        @Option(help: "Temperature unit when the header does not say: K or C.")
        var unit: String?

        @Option(help: "Heating rate in K/s for the frequency factor (default: from the file's times, else 1).")
        var heatingRate: Double?

        @Option(help: "The reader's reference Tm of the dosimetric peak, kelvin (enables the shift flag).")
        var referenceTm: Double?

        @Flag(help: "Sort channels whose temperature steps backwards by any amount instead of rejecting the file.")
        var sort = false

        @Option(help: "Largest temperature step back, kelvin, taken as measurement noise (channels sorted).")
        var temperatureTolerance: Double = 1.5

        @Option(help: "Average this many adjacent channels (temperatures averaged, counts summed) before fitting.")
        var rebin: Int?

        @Flag(help: "Fit a background A + B·exp(T/C) with the peaks.")
        var background = false

        @Option(help: "Where to write the SVG picture (default: the file's name with .svg, in the current directory).")
        var svg: String?

        @Option(help: "Write the measured curve, the fit, the background and each component as CSV to this file.")
        var components: String?

        @Option(help: "Temperature unit of the SVG's axis: K or C.")
        var plotUnit: String = "K"

        func validate() throws {
            guard PeakModel(name: model) != nil else { throw ValidationError("unknown model '\(model)'") }
            guard peaks == "auto" || (Int(peaks).map { $0 >= 1 && $0 <= 20 } ?? false) else {
                throw ValidationError("--peaks must be 'auto' or a number from 1 to 20")
            }
            guard MaterialPreset(name: material) != nil else { throw ValidationError("unknown material '\(material)'") }
            if let unit, Self.temperatureUnit(unit) == nil {
                throw ValidationError("unknown --unit '\(unit)': use K or C")
            }
            guard Self.temperatureUnit(plotUnit) != nil else { throw ValidationError("unknown --plot-unit '\(plotUnit)': use K or C") }
            if let heatingRate, !(heatingRate.isFinite && heatingRate > 0) {
                throw ValidationError("--heating-rate must be a positive finite number of K/s, not \(heatingRate)")
            }
            if let referenceTm, !(referenceTm.isFinite && referenceTm > 0) {
                throw ValidationError("--reference-tm must be a positive finite temperature in kelvin, not \(referenceTm)")
            }
            if let minDistance, !(minDistance.isFinite && minDistance >= 0) {
                throw ValidationError("--min-distance must be a finite number of kelvin ≥ 0, not \(minDistance)")
            }
            guard temperatureTolerance.isFinite && temperatureTolerance >= 0 else {
                throw ValidationError("--temperature-tolerance must be a finite number of kelvin ≥ 0")
            }
            if let rebin, rebin < 1 { throw ValidationError("--rebin must be at least 1") }
            for spec in peakSpecs {
                do { _ = try PeakSpecification(parsing: spec) } catch { throw ValidationError("--peak \"\(spec)\": \(error)") }
            }
            for item in fix where Self.parseFix(item) == nil {
                throw ValidationError("--fix '\(item)': use a parameter name (Im, E, Tm, b) or PEAK:NAME such as 2:E")
            }
        }

        static func temperatureUnit(_ text: String) -> TemperatureUnit? {
            switch text.lowercased() {
            case "k", "kelvin": .kelvin
            case "c", "°c", "celsius": .celsius
            default: nil
            }
        }

        /// `E` → (nil, E); `2:E` → (2, E).
        static func parseFix(_ text: String) -> (peak: Int?, parameter: PeakParameter)? {
            let parts = text.split(separator: ":", maxSplits: 1)
            if parts.count == 2 {
                guard let n = Int(parts[0]), n >= 1, let p = PeakParameter(name: String(parts[1])) else { return nil }
                return (n, p)
            }
            return PeakParameter(name: text).map { (nil, $0) }
        }

        func run() throws {
            do {
                try fitAndReport()
            } catch let failure as GlowCommandFailure {
                FileHandle.standardError.write(Data("tld glow fit: \(failure.message)\n".utf8))
                throw ExitCode(failure.exitCode)
            }
        }

        func fitAndReport() throws {
            guard FileManager.default.fileExists(atPath: file) else { throw GlowCommandFailure("\(file): no such file", exitCode: 66) }
            var curve: GlowCurve
            let lower = file.lowercased()
            if lower.hasSuffix(".bin") || lower.hasSuffix(".binx") {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw GlowCommandFailure("cannot read \(file)", exitCode: 66)
                }
                do {
                    let records = try RisoeBINX.decode([UInt8](data))
                    let tl = records.indices.filter { records[$0].isThermoluminescence }.map { $0 + 1 }
                    guard let n = record else {
                        throw GlowCommandFailure("\(file) holds \(records.count) records; give --record N (TL records: \(tl.prefix(20).map(String.init).joined(separator: ", "))\(tl.count > 20 ? ", …" : ""))", exitCode: 64)
                    }
                    guard records.indices.contains(n - 1) else { throw RisoeBINXError.noSuchRecord(n, records: records.count) }
                    curve = try records[n - 1].glowCurve()
                } catch let e as RisoeBINXError {
                    throw GlowCommandFailure("\(file): \(e)", exitCode: 65)
                }
            } else {
                if record != nil { throw GlowCommandFailure("--record applies to BIN/BINX files (.bin, .binx) only", exitCode: 64) }
                let text: String
                do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                    throw GlowCommandFailure("cannot read \(file) as UTF-8 text: \(error.localizedDescription)", exitCode: 66)
                }
                do {
                    curve = try GlowCurveCSV.parse(
                        text, unit: unit.flatMap(Self.temperatureUnit),
                        order: sort ? .sort : .sortWithin(toleranceKelvin: temperatureTolerance))
                } catch {
                    throw GlowCommandFailure("\(file): \(error)", exitCode: 65)
                }
            }
            if let rebin, rebin > 1 { curve = try Self.rebinned(curve, by: rebin) }

            var specs: [PeakSpecification] = []
            do {
                specs = try peakSpecs.map { s throws(PeakSpecificationError) in try PeakSpecification(parsing: s) }
                if let parameters {
                    guard let t = try? String(contentsOfFile: parameters, encoding: .utf8) else {
                        throw GlowCommandFailure("cannot read the parameter file \(parameters)", exitCode: 66)
                    }
                    specs += try PeakSpecification.parseFile(t)
                }
            } catch let e as PeakSpecificationError {
                throw GlowCommandFailure("\(parameters ?? "--peak"): \(e)", exitCode: 65)
            }
            for item in fix {
                guard let (n, p) = Self.parseFix(item) else { continue }
                if let n {
                    guard specs.indices.contains(n - 1) else {
                        throw GlowCommandFailure("--fix \(item): there is no peak \(n) (\(specs.count) peaks given)", exitCode: 64)
                    }
                    guard specs[n - 1].fix(p) else {
                        throw GlowCommandFailure("--fix \(item): peak \(n) gives no value of \(p) to fix", exitCode: 64)
                    }
                } else {
                    guard !specs.isEmpty else { throw GlowCommandFailure("--fix \(item) needs peaks given with --peak or --parameters", exitCode: 64) }
                    for i in specs.indices { specs[i].fix(p) }
                }
            }

            let preset = MaterialPreset(name: material) ?? .generic
            let peakModel = PeakModel(name: model) ?? .generalOrder
            var config = AutomaticFitConfiguration(model: peakModel, material: preset)
            if let n = Int(peaks) { config.peakCount = .fixed(n) }
            config.fit.heatingRateKelvinPerSecond = heatingRate
            config.fit.minimumPeakDistanceKelvin = minDistance
            if background { config.fit.background = .incandescence }
            var limits = QualityLimits()
            limits.referenceDosimetricPeakKelvin = referenceTm
            let analysis: GlowAnalysis
            do {
                if specs.isEmpty {
                    analysis = try GlowAnalysis.analyse(curve, configuration: config, limits: limits)
                } else {
                    var fitConfig = config.fit
                    if fitConfig.heatingRateKelvinPerSecond == nil { fitConfig.heatingRateKelvinPerSecond = curve.heatingRateKelvinPerSecond }
                    fitConfig.restarts = config.finalRestarts
                    let starts = specs.map { $0.startingPeak(model: peakModel, curve: curve, energyRangeElectronVolt: fitConfig.energyRangeElectronVolt) }
                    let fit = try GlowFitter.fit(curve, starting: starts, constraints: specs.map(\.constraint), configuration: fitConfig)
                    analysis = GlowAnalysis.assess(fit, of: curve, limits: limits, plausibleRanges: config.plausibleRanges)
                }
            } catch {
                throw GlowCommandFailure("\(file): \(error)", exitCode: 65)
            }
            print(Self.report(analysis, file: file))
            let base = URL(fileURLWithPath: file).lastPathComponent
            let stem = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent + (record.map { "-record\($0)" } ?? "")
            let out = svg ?? stem + ".svg"
            let picture = GlowCurvePlot.svg(
                curve: curve, fit: analysis.fit, title: base,
                options: .init(unit: Self.temperatureUnit(plotUnit) == .celsius ? .celsius : .kelvin, dosimetricPeakIndex: analysis.dosimetricPeakIndex))
            do { try picture.write(toFile: out, atomically: true, encoding: .utf8) } catch {
                throw GlowCommandFailure("cannot write the SVG \(out): \(error.localizedDescription)", exitCode: 73)
            }
            print("SVG written to \(out)")
            if let components {
                do { try GlowComponentsCSV.csv(curve: curve, fit: analysis.fit).write(toFile: components, atomically: true, encoding: .utf8) } catch {
                    throw GlowCommandFailure("cannot write the components CSV \(components): \(error.localizedDescription)", exitCode: 73)
                }
                print("components written to \(components)")
            }
        }

        /// `factor` adjacent channels averaged in temperature (and time) and summed in counts.
        static func rebinned(_ curve: GlowCurve, by factor: Int) throws -> GlowCurve {
            var t: [Double] = [], c: [Double] = [], s: [Double] = []
            var i = 0
            while i < curve.channelCount {
                let j = min(i + factor, curve.channelCount)
                let n = Double(j - i)
                t.append(curve.temperatureKelvin[i..<j].reduce(0, +) / n)
                c.append(curve.counts[i..<j].reduce(0, +))
                if let time = curve.timeSeconds { s.append(time[i..<j].reduce(0, +) / n) }
                i = j
            }
            do { return try GlowCurve(counts: c, temperatureKelvin: t, timeSeconds: curve.timeSeconds == nil ? nil : s) } catch {
                throw GlowCommandFailure("rebinning failed: \(error)", exitCode: 65)
            }
        }

        /// A value with its uncertainty: "1.2345 ± 0.0123", "1.2345 (at bound)", "1.2345 (fixed)".
        static func valueWithError(_ p: FittedPeak, _ q: PeakParameter, _ format: String) -> String {
            let v = String(format: format, p.value(of: q))
            if p.fixedParameters.contains(q) { return v + " (fixed)" }
            if p.parametersAtBound.contains(q) { return v + " (at bound)" }
            if p.parametersAtPlausibleLimit.contains(q) { return v + " (at s limit)" }
            let e = p.uncertainty(of: q)
            return e.isFinite ? v + " ± " + String(format: format, e) : v + " ± n/e"
        }

        static func report(_ a: GlowAnalysis, file: String) -> String {
            let fit = a.fit
            var lines: [String] = []
            lines.append("\(file): \(fit.model), \(fit.peaks.count) peaks, objective \(fit.objective.rawValue), heating rate \(String(format: "%.3g", fit.heatingRateKelvinPerSecond)) K/s")
            func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
            let hasShape = fit.model.hasShapeParameter
            lines.append(pad("#", 4) + pad("Im", 13) + pad("E (eV)", 26) + pad("s (1/s)", 11) + pad("Tm (K)", 24)
                         + (hasShape ? pad("b", 22) : "") + "area")
            for (i, p) in fit.peaks.enumerated() {
                let mark = i == a.dosimetricPeakIndex ? "*" : " "
                var line = pad(mark + "\(i + 1)", 4) + pad(String(format: "%.5g", p.peak.maximumIntensity), 13)
                line += pad(valueWithError(p, .activationEnergy, "%.4f"), 26)
                line += pad(String(format: "%.3e", p.frequencyFactorPerSecond), 11)
                line += pad(valueWithError(p, .maximumTemperature, "%.2f"), 24)
                if hasShape { line += pad(valueWithError(p, .shape, "%.3f"), 22) }
                line += String(format: "%.5g", p.areaCounts)
                lines.append(line)
            }
            lines.append("* dosimetric peak; ± one standard error; n/e: not estimable; at s limit: E held where s reaches the plausible limit")
            if let bg = fit.background {
                // A fit that left out the exponential term has B = 0 and no finite scale C: printing
                // "C = inf K" read as a fitted value (seen on GLOCANIN x006–x008).
                if bg.exponentialPrefactorCounts == 0 || !bg.scaleKelvin.isFinite {
                    lines.append(String(format: "background: A = %.4g counts (constant; no exponential term)",
                                        bg.constantCounts))
                } else {
                    lines.append(String(format: "background: A = %.4g counts, B = %.4g counts, C = %.4g K (A + B·exp(T/C))",
                                        bg.constantCounts, bg.exponentialPrefactorCounts, bg.scaleKelvin))
                }
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

/// A run-time failure of a `tld glow` command: one line on stderr and a sysexits code.
struct GlowCommandFailure: Error {
    var message: String
    var exitCode: Int32
    init(_ message: String, exitCode: Int32) {
        self.message = message
        self.exitCode = exitCode
    }
}
