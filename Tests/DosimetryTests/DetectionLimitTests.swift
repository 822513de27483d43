import TLSimulator  // SplitMix64: the seeded generator the simulator uses
import Testing
@testable import Dosimetry

@Suite struct DetectionLimitTests {
    let k = DetectionLimit.coverageFactor

    @Test func closedFormSolvesTheDefiningEquation() {
        let bg = BackgroundEstimate(perDay: MilliSievert(0.002), perDayStandardDeviation: MilliSievert(0.0002), controlCount: 5)
        let dl = DetectionLimit.characteristic(daysFromAnneal: Days(90), background: bg, readingNoise: MilliSievert(0.005), relativeUncertainty: 0.06)
        #expect(dl.basis == .controls(count: 5))
        let u0 = 90 * 0.0002 * (1 + 1.0 / 5).squareRoot()
        #expect(abs(dl.decisionThreshold.value - k * u0) < 1e-12)
        // H# = H* + k·ũ(H#), ũ²(H) = ũ²(0) + u_rel²·H²
        let h = dl.limit.value
        #expect(abs(h - (dl.decisionThreshold.value + k * (u0 * u0 + 0.06 * 0.06 * h * h).squareRoot())) < 1e-12)
    }

    @Test func growsWithThePeriodAndFallsBackWithoutEnoughControls() {
        let bg = BackgroundEstimate(perDay: MilliSievert(0.002), perDayStandardDeviation: MilliSievert(0.0005), controlCount: 4)
        func limit(_ days: Double, _ b: BackgroundEstimate?) -> DetectionLimit {
            DetectionLimit.characteristic(daysFromAnneal: Days(days), background: b, readingNoise: MilliSievert(0.01), relativeUncertainty: 0.05)
        }
        #expect(limit(90, bg).limit > limit(30, bg).limit)
        #expect(limit(30, bg).limit > limit(14, bg).limit)
        // Short period: the controls' scatter (14 × 0.0005 = 0.007) is below the reading noise floor.
        let floorOnly = 2 * k * 0.01 * (1 + 1.0 / 4).squareRoot() / (1 - k * k * 0.05 * 0.05)
        #expect(abs(limit(14, bg).limit.value - floorOnly) < 1e-12)
        let two = BackgroundEstimate(perDay: MilliSievert(0.002), perDayStandardDeviation: MilliSievert(0.0003), controlCount: 2)
        #expect(limit(90, two) == DetectionLimit.periodTable(daysFromAnneal: Days(90)))
        #expect(limit(90, nil).basis == .periodLength)
        #expect(limit(90, nil).limit == MilliSievert(0.08))
        #expect(limit(14, nil).limit == MilliSievert(0.03))
    }

    @Test func sampleStatisticsOfControls() throws {
        let b = try #require(BackgroundEstimate.from(ratesPerDay: [0.001, 0.002, 0.003]))
        #expect(abs(b.perDay.value - 0.002) < 1e-15)
        #expect(abs((b.perDayStandardDeviation?.value ?? 0) - 0.001) < 1e-15)
        #expect(b.controlCount == 3)
        #expect(BackgroundEstimate.from(ratesPerDay: [0.002])?.perDayStandardDeviation == nil)
        #expect(BackgroundEstimate.from(ratesPerDay: []) == nil)
        // A negative mean (controls below the anneal's residual) is not added to the cards.
        #expect(BackgroundEstimate.from(ratesPerDay: [-0.001, -0.002, 0.0])?.perDay == .zero)
    }

    /// The limits do what ISO 11929 says they do, on simulated shipments: a card with no dose is
    /// declared above the decision threshold in about α = 5 % of cases, and a card that received
    /// exactly the detection limit is detected in about 1 − β = 95 %.
    @Test func errorRatesOnSimulatedShipments() {
        var rng = SplitMix64(seed: 20_261_123)
        let days = 90.0, meanRate = 0.0025, rateSD = 0.0004, noise = 0.004, uRel = 0.05, controls = 8
        var falsePositives = 0, detections = 0, trials = 0
        for _ in 0..<4000 {
            // Each card's background rate scatters like the controls'; its reading adds noise and, at
            // a dose, a relative error.
            func zeroDoseReading() -> Double { (meanRate + rateSD * rng.nextStandardNormal()) * days + noise * rng.nextStandardNormal() }
            let rates = (0..<controls).map { _ in zeroDoseReading() / days }
            guard let bg = BackgroundEstimate.from(ratesPerDay: rates) else { continue }
            let dl = DetectionLimit.characteristic(daysFromAnneal: Days(days), background: bg, readingNoise: MilliSievert(0.001), relativeUncertainty: uRel)
            let blank = zeroDoseReading() - bg.perDay.value * days
            if blank > dl.decisionThreshold.value { falsePositives += 1 }
            let dosed = zeroDoseReading() + dl.limit.value * (1 + uRel * rng.nextStandardNormal()) - bg.perDay.value * days
            if dosed > dl.decisionThreshold.value { detections += 1 }
            trials += 1
        }
        let alpha = Double(falsePositives) / Double(trials)
        let power = Double(detections) / Double(trials)
        // Eight controls estimate the scatter roughly, so the rates are near, not at, 5 % and 95 %.
        #expect(alpha > 0.03 && alpha < 0.10, "false-positive rate \(alpha)")
        #expect(power > 0.88 && power < 0.98, "detection rate at the limit \(power)")
    }

    @Test func algorithmUsesTheControlsScatter() {
        let algorithm = DoseAlgorithm()
        let cal = ReaderCalibration(
            countsPerMilliSievert: [.deep: 1000, .shallow: 1000, .filteredLight: 1000, .filteredHeavy: 1000],
            used: [], rejected: [], source: "test")
        func card(_ id: String, deep: Double, days: Double) -> CardSignals {
            var e: [Int: CardSignals.Element] = [:]
            for n in 1...4 { e[n] = .measured(NetSignal(grossCounts: deep * 1000, darkCounts: 0, channels: 100)) }
            return CardSignals(cardID: id, elements: e, daysFromAnneal: Days(days))
        }
        let quiet = algorithm.background(controls: [card("a", deep: 0.18, days: 90), card("b", deep: 0.182, days: 90), card("c", deep: 0.178, days: 90)], calibration: cal)
        let noisy = algorithm.background(controls: [card("a", deep: 0.10, days: 90), card("b", deep: 0.18, days: 90), card("c", deep: 0.26, days: 90)], calibration: cal)
        let worn = card("w", deep: 0.25, days: 90)
        let a = algorithm.assess(worn, calibration: cal, background: quiet)
        let b = algorithm.assess(worn, calibration: cal, background: noisy)
        #expect(a.detectionLimitBasis == .controls(count: 3))
        #expect(a.detectionLimit < b.detectionLimit)
        // 0.07 mSv net: above the limit of a quiet shipment, below that of a noisy one.
        #expect(!a.flags.contains(.belowDetectionLimit))
        #expect(b.flags.contains(.belowDetectionLimit))
    }
}
