import Dosimetry
import Foundation
import GlowCurve
import LabStore
import LabStoreSQLite
import Logging
import Testing
@testable import LabWorkflow

/// Review routing by flag type: each flag kind goes where the string set of review flags sent it
/// before the flags were typed, the neutron flag raises its own reason, and the glow-curve findings
/// map to their codes.
@Suite("Dose flag routing")
struct DoseFlagRoutingTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// The codes of the former `BatchEvaluator.reviewFlags`, literally.
    static let reviewCodes: Set<String> = [
        "deep-element-lost", "shallow-element-lost", "filtered-element-lost", "hp10-from-filtered-elements",
        "hp10-not-assessable", "hp007-not-assessable", "element-out-of-pattern", "no-background-correction",
        "anneal-date-unknown", "glow-curve-invalid", "element-correction-expired", "reader-qc-failed",
        "glow-spike", "glow-saturation", "glow-peak-shift", "glow-dark-count",
    ]

    @Test("each known flag is routed as before the flags were typed", arguments: DoseFlag.allKnown)
    func routing(_ flag: DoseFlag) {
        let expected: ReviewReason? = flag == .neutronAlgorithmNotAvailable ? .neutronNotEvaluated
            : Self.reviewCodes.contains(flag.code) ? .qualityFlags : nil
        #expect(ReviewPolicy.reason(for: flag) == expected)
    }

    @Test("informational flags stay informational")
    func informational() {
        for flag: DoseFlag in [.belowDetectionLimit, .betaComponent, .nonLinearityCorrected, .thermalHistoryNotEstimated,
                               .correctedByPhysicist, .rejectedByPhysicist, .glow(.incandescence), .glow(.lowTemperaturePeak)] {
            #expect(ReviewPolicy.reason(for: flag) == nil, "\(flag)")
        }
    }

    @Test("an unknown flag goes to the physicist")
    func unknownGoesToReview() {
        #expect(ReviewPolicy.reason(for: .unknown("pmt-drift")) == .qualityFlags)
    }

    @Test("the policy lists the quality flags by code, in order, and the neutron card on its own")
    func policyReasons() throws {
        let store = try SQLiteLabStore.inMemory(logger: Self.logger)
        let batch = try #require(try store.openBatch(
            groupID: "ROUTE", reader: ReaderIdentity(model: "TLR", serial: "S1", firmware: "1"), elementsPerCard: 4,
            timeTemperatureProfile: ReadoutJob.stored(.lifMgTiDefault), source: "test").id)
        // A control dosimeter: no levels apply, only the flags.
        let card = BatchCard(batchID: batch, cardID: "C1", role: .control, annealedAt: nil)
        let policy = ReviewPolicy(store: store)
        let reasons = try policy.reasons(
            card: card, flags: [.betaComponent, .glow(.spike), .neutronAlgorithmNotAvailable, .readerQCFailed, .glow(.incandescence)],
            hp10: 0.1, hp007: 0.1)
        #expect(reasons.map(\.reason) == [.qualityFlags, .neutronNotEvaluated])
        #expect(reasons.first?.detail == "glow-spike, reader-qc-failed")
        #expect(try policy.reasons(card: card, flags: [.belowDetectionLimit, .nonLinearityCorrected], hp10: 0.01, hp007: 0.01).isEmpty)
    }

    @Test("each glow-curve finding maps to the code GlowCurve gives it")
    func glowCodesMatchGlowCurve() {
        let findings: [QualityFlag] = [
            .dosimetricPeakShifted(measuredKelvin: 520, referenceKelvin: 505),
            .spike(channel: 3, kelvin: 400, excessCounts: 900),
            .figureOfMeritTooHigh(percent: 5, limitPercent: 3.5),
            .saturated(firstChannel: 10, channels: 4),
            .incandescence(tailFraction: 0.2),
            .residualSignalAfterAnneal(fraction: 0.05),
            .highLowTemperaturePeak(kelvin: 420, ratioToDosimetric: 0.8),
            .implausibleParameter(peak: 1, kelvin: 450, reason: .frequencyFactorOutOfRange(perSecond: 1e3, range: 1e5...1e22)),
            .incandescenceAboveBlank(excessCountsPerChannel: 40, blankCountsPerChannel: 10),
            .darkCountsAboveBlank(excessCountsPerChannel: 5, blankCountsPerChannel: 2),
        ]
        for q in findings {
            #expect(GlowFlagCode(q).rawValue == q.code, "\(q)")
            #expect(DoseFlag(code: "glow-\(q.code)") == .glow(GlowFlagCode(q)))
        }
        #expect(Set(findings.map(GlowFlagCode.init)) == Set(GlowFlagCode.allCases))
    }
}
