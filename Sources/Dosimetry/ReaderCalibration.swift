/// Net counts per mSv for each element role of one reader (the inverse of the reader calibration
/// factor), derived from calibration dosimeters irradiated to a known dose in the reference field and
/// read in the same batch. The shallow element is calibrated in Hp(0.07), the others in Hp(10).
public struct ReaderCalibration: Sendable, Hashable, Codable {
    public var countsPerMilliSievert: [ElementRole: Double]
    /// Calibration dosimeters used and rejected by the selection window.
    public var used: [String]
    public var rejected: [String]
    public var source: String
    /// Relative standard uncertainty of each role's calibration: the relative standard deviation of
    /// the kept dosimeters' responses over √n (empty for a calibration taken from records).
    public var relativeStandardUncertainty: [ElementRole: Double]

    public init(
        countsPerMilliSievert: [ElementRole: Double], used: [String], rejected: [String], source: String,
        relativeStandardUncertainty: [ElementRole: Double] = [:]
    ) {
        self.countsPerMilliSievert = countsPerMilliSievert
        self.used = used
        self.rejected = rejected
        self.source = source
        self.relativeStandardUncertainty = relativeStandardUncertainty
    }

    /// One calibration dosimeter: its corrected net signal per element role and its delivered dose.
    public struct Dosimeter: Sendable, Hashable {
        public var cardID: String
        public var netCounts: [ElementRole: Double]
        public var deliveredHp10: MilliSievert
        public var deliveredHp007: MilliSievert
        public init(cardID: String, netCounts: [ElementRole: Double], deliveredHp10: MilliSievert, deliveredHp007: MilliSievert) {
            self.cardID = cardID
            self.netCounts = netCounts
            self.deliveredHp10 = deliveredHp10
            self.deliveredHp007 = deliveredHp007
        }

        func response(_ role: ElementRole) -> Double? {
            guard let n = netCounts[role] else { return nil }
            let dose = role == .shallow ? deliveredHp007.value : deliveredHp10.value
            return dose > 0 ? n / dose : nil
        }
    }

    /// For each role: the mean response of the calibration dosimeters, keeping only those within
    /// `window` of the reference (0.9–1.1 by default: HPS "Ask the experts" Q11875 and Harshaw practice,
    /// ../shared/notes/tl-physics.md), then the mean of those kept. The reference of the first pass is
    /// the median, not the mean, so that one gross outlier (loose phosphor) cannot push good dosimeters
    /// out of the window.
    public static func derive(
        from dosimeters: [Dosimeter], window: ClosedRange<Double> = 0.9...1.1, source: String
    ) throws(CalibrationError) -> ReaderCalibration {
        guard !dosimeters.isEmpty else { throw .noCalibrationDosimeters }
        let roles = Set(dosimeters.flatMap { $0.netCounts.keys })
        var rejected = Set<String>()
        var first: [ElementRole: Double] = [:]
        for role in roles {
            let r = dosimeters.compactMap { $0.response(role) }
            guard !r.isEmpty else { continue }
            let sorted = r.sorted()
            let mid = sorted.count / 2
            let mean = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
            guard mean > 0 else { throw .nonPositiveResponse(role) }
            first[role] = mean
            for d in dosimeters {
                if let x = d.response(role), !window.contains(x / mean) { rejected.insert(d.cardID) }
            }
        }
        guard !first.isEmpty else { throw .noCalibrationDosimeters }
        let kept = dosimeters.filter { !rejected.contains($0.cardID) }
        guard kept.count * 2 >= dosimeters.count, !kept.isEmpty else {
            throw .tooManyOutliers(kept: kept.count, of: dosimeters.count)
        }
        var result: [ElementRole: Double] = [:]
        var uncertainty: [ElementRole: Double] = [:]
        for role in first.keys {
            let r = kept.compactMap { $0.response(role) }
            guard !r.isEmpty else { continue }
            let mean = r.reduce(0, +) / Double(r.count)
            result[role] = mean
            if r.count > 1, mean > 0 {
                let sd = (r.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(r.count - 1)).squareRoot()
                uncertainty[role] = sd / mean / Double(r.count).squareRoot()
            }
        }
        return ReaderCalibration(
            countsPerMilliSievert: result, used: kept.map(\.cardID).sorted(), rejected: rejected.sorted(), source: source,
            relativeStandardUncertainty: uncertainty)
    }
}

public enum CalibrationError: Error, Sendable, Hashable, CustomStringConvertible {
    case noCalibrationDosimeters
    case nonPositiveResponse(ElementRole)
    case tooManyOutliers(kept: Int, of: Int)

    public var description: String {
        switch self {
        case .noCalibrationDosimeters: "no calibration dosimeter with a known dose was read in this batch"
        case let .nonPositiveResponse(role): "the calibration dosimeters gave no net signal on the \(role) element"
        case let .tooManyOutliers(k, n): "only \(k) of \(n) calibration dosimeters lie within the selection window"
        }
    }
}
