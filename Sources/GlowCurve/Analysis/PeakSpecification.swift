/// A peak the user asks for: starting values and limits, written as text
/// (`tld glow fit --peak "Tm=480,E=1.2..1.6,b=1.5,fix=b"`).
///
/// Items are separated by commas, semicolons or spaces:
/// - `NAME=VALUE` a starting value (`Im`, `E` in eV, `Tm` in kelvin, `b` the shape: b, α or R);
/// - `NAME=LO..HI` a range the parameter must stay in (the start is its middle unless a value is
///   also given with `NAME=VALUE` before or after);
/// - `fix=NAME+NAME` holds the named parameters at their starting values.
/// `Tm` is required; a missing `Im` or `E` is estimated from the curve.
public struct PeakSpecification: Sendable, Hashable {
    public var startingValues: [PeakParameter: Double] = [:]
    public var constraint = PeakConstraint()

    public init(startingValues: [PeakParameter: Double] = [:], constraint: PeakConstraint = .init()) {
        self.startingValues = startingValues
        self.constraint = constraint
    }

    public init(parsing text: String) throws(PeakSpecificationError) {
        var fixed: [PeakParameter] = []
        var ranges: [PeakParameter: ClosedRange<Double>] = [:]
        let items = text.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " || $0 == "\t" })
        guard !items.isEmpty else { throw .empty }
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw .malformedItem(String(item)) }
            let name = String(parts[0]), value = String(parts[1])
            if name.lowercased() == "fix" {
                for n in value.split(separator: "+") {
                    guard let p = PeakParameter(name: String(n)) else { throw .unknownParameter(String(n)) }
                    fixed.append(p)
                }
                continue
            }
            guard let p = PeakParameter(name: name) else { throw .unknownParameter(name) }
            if let dots = value.firstRange(of: "..") {
                guard let lo = Double(value[..<dots.lowerBound]), let hi = Double(value[dots.upperBound...]),
                      lo.isFinite, hi.isFinite, lo <= hi
                else { throw .malformedRange(String(item)) }
                ranges[p] = lo...hi
            } else {
                guard let v = Double(value), v.isFinite else { throw .notANumber(String(item)) }
                startingValues[p] = v
            }
        }
        for (p, r) in ranges {
            constraint[p] = .range(r)
            if startingValues[p] == nil { startingValues[p] = 0.5 * (r.lowerBound + r.upperBound) }
        }
        for p in fixed {
            guard let v = startingValues[p] else { throw .fixedWithoutValue(p) }
            constraint[p] = .fixed(v)
        }
        guard let tm = startingValues[.maximumTemperature], tm > 0 else { throw .missingMaximumTemperature(text) }
        _ = tm
    }

    /// Holds `parameter` at its starting value (for `--fix NAME`); false when no value is given.
    @discardableResult
    public mutating func fix(_ parameter: PeakParameter) -> Bool {
        guard let v = startingValues[parameter] else { return false }
        constraint[parameter] = .fixed(v)
        return true
    }

    /// The starting peak: given values, and for those missing an estimate from `curve` (Im from the
    /// smoothed curve at Tm, E from the main peak's width scaled by Tm², as the automatic fit does).
    public func startingPeak(model: PeakModel, curve: GlowCurve, energyRangeElectronVolt er: ClosedRange<Double>) -> GlowPeak {
        let tm = startingValues[.maximumTemperature] ?? curve.temperatureKelvin[curve.counts.indices.max { curve.counts[$0] < curve.counts[$1] } ?? 0]
        let features = CurveFeatures(curve)
        let t = features.temperatureKelvin
        let channel = t.indices.min { abs(t[$0] - tm) < abs(t[$1] - tm) } ?? 0
        let im = startingValues[.maximumIntensity] ?? max(0.8 * features.smoothed[channel], 1e-9)
        let e: Double
        if let given = startingValues[.activationEnergy] {
            e = given
        } else {
            let k = boltzmannElectronVoltPerKelvin
            let main = features.smoothed.indices.max { features.smoothed[$0] < features.smoothed[$1] } ?? 0
            let tMain = t[main]
            let width = max(features.fullWidthAtHalfMaximum(atChannel: main), 1)
            let eMain = 2.52 * k * tMain * tMain / width - 2 * k * tMain
            e = min(max(eMain * (tm / tMain) * (tm / tMain), er.lowerBound), er.upperBound)
        }
        return GlowPeak(model: model, maximumIntensity: im, activationEnergyElectronVolt: e, maximumTemperatureKelvin: tm,
                        shape: startingValues[.shape])
    }

    /// Reads a parameter file: one peak per line in the `--peak` syntax; `#` starts a comment.
    public static func parseFile(_ text: String) throws(PeakSpecificationError) -> [PeakSpecification] {
        var out: [PeakSpecification] = []
        var number = 0
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            number += 1
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first?.trimmingWhitespace() ?? ""
            if line.isEmpty { continue }
            do { out.append(try PeakSpecification(parsing: String(line))) } catch {
                throw .inFile(line: number, error.description)
            }
        }
        guard !out.isEmpty else { throw .empty }
        return out
    }
}

/// Why a peak specification could not be read. Each case says one thing.
public enum PeakSpecificationError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case malformedItem(String)
    case unknownParameter(String)
    case malformedRange(String)
    case notANumber(String)
    case fixedWithoutValue(PeakParameter)
    case missingMaximumTemperature(String)
    indirect case inFile(line: Int, String)

    public var description: String {
        switch self {
        case .empty: "no peak is specified"
        case let .malformedItem(s): "'\(s)' is not NAME=VALUE, NAME=LO..HI or fix=NAME"
        case let .unknownParameter(s): "unknown peak parameter '\(s)' (use Im, E, Tm, b)"
        case let .malformedRange(s): "'\(s)': a range is LO..HI with finite numbers, LO ≤ HI"
        case let .notANumber(s): "'\(s)': the value is not a finite number"
        case let .fixedWithoutValue(p): "\(p) is to be fixed but has no value"
        case let .missingMaximumTemperature(s): "the peak '\(s)' has no Tm (kelvin)"
        case let .inFile(l, m): "line \(l): \(m)"
        }
    }
}
