/// Element correction coefficients (ECC): the relative sensitivity of each element of each card,
/// from a calibration run in which every card of a set is irradiated to the same dose in the same
/// field and read (Harshaw/Thermo practice; ../shared/notes/tl-physics.md). For element position j
/// of card c with fading-corrected net reading Q_cj:
///
///   ECC_cj = ⟨Q_·j⟩ / Q_cj
///
/// ⟨Q_·j⟩ the mean over the set of position j (positions are compared only with themselves: their
/// filters differ). A reading times its ECC is what an average element of that position would read.
///
/// Cards whose every ECC lies within the selection window (0.9–1.1 by default: HPS "Ask the experts"
/// Q11875) are fit to serve as calibration dosimeters. ECCs drift with reuse (≈ 5 % in 3 years with
/// heavy use, KAERI), so each run adds a new value to each element's history; ``drift(_:)`` says how far
/// an element has moved.
public enum ElementCorrection {
    public struct Run: Sendable, Hashable {
        /// ECC by card ID and element number.
        public var coefficients: [String: [Int: Double]]
        /// Cards whose ECCs all lie within the window, sorted.
        public var calibrationCandidates: [String]
        /// Cards with an ECC outside the window, sorted.
        public var outsideWindow: [String]
        /// Mean reading of each position (counts), the reference of the run.
        public var positionMeans: [Int: Double]
    }

    /// - Parameter readings: fading-corrected net counts by card ID and element number, every card
    ///   irradiated to the same dose.
    public static func derive(readings: [String: [Int: Double]], window: ClosedRange<Double> = 0.9...1.1) throws(CalibrationError) -> Run {
        var sums: [Int: (Double, Int)] = [:]
        for (_, elements) in readings {
            for (n, q) in elements where q > 0 {
                let s = sums[n] ?? (0, 0)
                sums[n] = (s.0 + q, s.1 + 1)
            }
        }
        let means = sums.mapValues { $0.0 / Double($0.1) }
        guard !means.isEmpty else { throw .noCalibrationDosimeters }
        var coefficients: [String: [Int: Double]] = [:]
        var inside: [String] = []
        var outside: [String] = []
        for (card, elements) in readings {
            var ecc: [Int: Double] = [:]
            for (n, q) in elements where q > 0 {
                if let m = means[n] { ecc[n] = m / q }
            }
            coefficients[card] = ecc
            if !ecc.isEmpty && ecc.values.allSatisfy({ window.contains($0) }) { inside.append(card) } else { outside.append(card) }
        }
        return Run(coefficients: coefficients, calibrationCandidates: inside.sorted(), outsideWindow: outside.sorted(), positionMeans: means)
    }

    /// Relative change of an element's ECC from the first to the last value of its history (oldest
    /// first); nil with fewer than two values.
    public static func drift(_ history: [Double]) -> Double? {
        guard history.count >= 2, let first = history.first, let last = history.last, first > 0 else { return nil }
        return last / first - 1
    }

    /// The calibration record kind of an ECC and its subject ("card/element", as LabStore's
    /// `CalibrationRecord.subject` documents).
    public static let recordKind = "elementCorrection"
    public static func recordSubject(card: String, element: Int) -> String { "\(card)/\(element)" }
}
