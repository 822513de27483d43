import Dosimetry
import Testing

/// The one dose flag type: its codes are what existing databases and documents hold, so they are
/// fixed here literally; every code reads back as its flag, and a code this build does not know
/// reads as `unknown`, never as nothing.
@Suite("Dose flag codes")
struct DoseFlagTests {
    /// Every code stored before the flags were typed (BatchEvaluator.WorkflowFlag, DoseFlag's raw
    /// values, the reader-QC and physicist literals, `glow-<QualityFlag.code>`).
    static let storedCodes: Set<String> = [
        "deep-element-lost", "shallow-element-lost", "filtered-element-lost", "hp10-from-filtered-elements",
        "hp10-not-assessable", "hp007-not-assessable", "below-detection-limit", "element-out-of-pattern",
        "no-background-correction", "beta-component", "non-linearity-corrected", "thermal-history-not-estimated",
        "anneal-date-unknown", "glow-curve-invalid", "element-correction-expired", "neutron-algorithm-not-available",
        "reader-qc-failed", "corrected-by-physicist", "rejected-by-physicist",
        "glow-peak-shift", "glow-spike", "glow-fom-high", "glow-saturation", "glow-incandescence",
        "glow-residual-after-anneal", "glow-low-temperature-peak", "glow-implausible-parameter", "glow-dark-count",
    ]

    @Test("the codes are exactly the strings stored before, one per flag")
    func codesAreTheStoredStrings() {
        let codes = DoseFlag.allKnown.map(\.code)
        #expect(Set(codes) == Self.storedCodes)
        #expect(codes.count == Set(codes).count, "two flags share a code")
        #expect(DoseFlag.allKnown.count == Set(DoseFlag.allKnown).count)
    }

    @Test("every known flag reads back from its code", arguments: DoseFlag.allKnown)
    func roundTrip(_ flag: DoseFlag) {
        #expect(DoseFlag(code: flag.code) == flag)
        #expect(flag.isKnown)
        #expect(flag.description == flag.code)
    }

    @Test("glow flags carry a typed code; glow-curve-invalid is the workflow's flag, not a glow finding")
    func glowCodes() {
        #expect(DoseFlag(code: "glow-spike") == .glow(.spike))
        #expect(DoseFlag.glow(.darkCount).code == "glow-dark-count")
        #expect(DoseFlag(code: "glow-curve-invalid") == .glowCurveInvalid)
    }

    @Test("a code this build does not know is kept as unknown, with its code", arguments: [
        "fading", "glow-new-check", "glow-", "", "Deep-Element-Lost", "deep-element-lost ",
    ])
    func unknownCode(_ code: String) {
        let flag = DoseFlag(code: code)
        #expect(flag == .unknown(code))
        #expect(!flag.isKnown)
        #expect(flag.code == code)
    }
}
