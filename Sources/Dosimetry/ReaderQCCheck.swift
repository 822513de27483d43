/// The reader's quality control before a batch: the PMT dark count rate and the counts from the
/// built-in reference light, each against a limit and against its own trend over the previous QC
/// measurements of the same reader (Harshaw/Thermo readers measure both before reading; a drifting
/// reference light means a drifting PMT gain, which the batch's calibration dosimeters would then
/// carry into every dose of the batch).
public struct ReaderQCCheck: Sendable, Hashable, Codable {
    /// Highest acceptable PMT dark count rate, counts/s. A cooled bialkali PMT gives tens per second;
    /// the default 100 s⁻¹ keeps the dark contribution to a 0.1 mSv reading (≈ 3000 counts in the ROI
    /// over ≈ 8 s) below a third **[lab setting; check against the reader's manual]**.
    public var maximumDarkCountsPerSecond: Double
    /// Accepted deviation of the reference light from its baseline (the mean of the history), relative.
    public var referenceLightTolerance: Double
    /// Deviation of the reference light from the baseline that is reported as a trend (warning).
    public var referenceLightTrendWarning: Double
    /// Dark rate above this multiple of its baseline is reported as rising (warning).
    public var darkRiseWarningFactor: Double
    /// QC measurements needed before the trend is judged.
    public var minimumHistory: Int

    public init(
        maximumDarkCountsPerSecond: Double = 100, referenceLightTolerance: Double = 0.05, referenceLightTrendWarning: Double = 0.02,
        darkRiseWarningFactor: Double = 2, minimumHistory: Int = 3
    ) {
        self.maximumDarkCountsPerSecond = maximumDarkCountsPerSecond
        self.referenceLightTolerance = referenceLightTolerance
        self.referenceLightTrendWarning = referenceLightTrendWarning
        self.darkRiseWarningFactor = darkRiseWarningFactor
        self.minimumHistory = minimumHistory
    }

    /// One QC measurement.
    public struct Reading: Sendable, Hashable, Codable {
        public var darkCountsPerSecond: Double
        public var referenceLightCounts: Double
        public init(darkCountsPerSecond: Double, referenceLightCounts: Double) {
            self.darkCountsPerSecond = darkCountsPerSecond
            self.referenceLightCounts = referenceLightCounts
        }
    }

    public enum Finding: Sendable, Hashable, CustomStringConvertible {
        case darkCountsAboveLimit(countsPerSecond: Double, limit: Double)
        case referenceLightOutsideTolerance(relativeDeviation: Double, tolerance: Double)
        case referenceLightTrend(relativeDeviation: Double)
        case darkCountsRising(factor: Double)
        case tooLittleHistory(count: Int)

        /// A failure stops the batch's doses from going out unreviewed; the others are warnings.
        public var isFailure: Bool {
            switch self {
            case .darkCountsAboveLimit, .referenceLightOutsideTolerance: true
            case .referenceLightTrend, .darkCountsRising, .tooLittleHistory: false
            }
        }

        public var description: String {
            func pct(_ x: Double) -> String { "\((x * 1000).rounded() / 10) %" }
            return switch self {
            case let .darkCountsAboveLimit(v, l): "PMT dark count rate \(v) s⁻¹ is above the limit of \(l) s⁻¹"
            case let .referenceLightOutsideTolerance(d, t): "reference light is \(pct(d)) off its baseline (tolerance ±\(pct(t)))"
            case let .referenceLightTrend(d): "reference light has moved \(pct(d)) from its baseline: PMT gain drifting"
            case let .darkCountsRising(f): "PMT dark count rate is \((f * 100).rounded() / 100) × its baseline"
            case let .tooLittleHistory(n): "only \(n) earlier QC measurements: trend not judged"
            }
        }
    }

    /// Judges `current` against the limits and against `history` (earlier QC of the same reader).
    public func check(_ current: Reading, history: [Reading]) -> [Finding] {
        var findings: [Finding] = []
        if current.darkCountsPerSecond > maximumDarkCountsPerSecond {
            findings.append(.darkCountsAboveLimit(countsPerSecond: current.darkCountsPerSecond, limit: maximumDarkCountsPerSecond))
        }
        guard history.count >= minimumHistory else {
            findings.append(.tooLittleHistory(count: history.count))
            return findings
        }
        let n = Double(history.count)
        let light = history.map(\.referenceLightCounts).reduce(0, +) / n
        let dark = history.map(\.darkCountsPerSecond).reduce(0, +) / n
        if light > 0 {
            let d = current.referenceLightCounts / light - 1
            if abs(d) > referenceLightTolerance {
                findings.append(.referenceLightOutsideTolerance(relativeDeviation: d, tolerance: referenceLightTolerance))
            } else if abs(d) > referenceLightTrendWarning {
                findings.append(.referenceLightTrend(relativeDeviation: d))
            }
        }
        if dark > 0, current.darkCountsPerSecond > darkRiseWarningFactor * dark {
            findings.append(.darkCountsRising(factor: current.darkCountsPerSecond / dark))
        }
        return findings
    }
}
