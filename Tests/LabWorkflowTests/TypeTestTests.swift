import Dosimetry
import Foundation
import LabReports
import LabStore
import LabStoreSQLite
import LabWorkflow
import TLSimulator
import TestSupport
import Testing

@Suite("Type test against the trumpet curve", .serialized, .cpuHeavy)
struct TypeTestTests {
    @Test("every photon Hp(10)/Hp(0.07) and every beta Hp(0.07) of the reference-field matrix lies within the trumpet curve")
    func matrixPassesTheTrumpetCurve() async throws {
        let scenario = try TypeTestIrradiation.scenario(
            fields: TypeTestIrradiation.referenceFields, dosesMilliSievert: [0.1, 1, 10, 100, 1000])
        let outcome = try await Facility.run(scenario, store: try SQLiteLabStore.inMemory(logger: quietLogger))

        // 8 X-ray + 2 gamma qualities × 2 angles × 5 doses × 2 quantities, 2 beta × 2 angles × 5 doses × 1.
        let expected: Int = 10 * 2 * 5 * 2 + 2 * 2 * 5
        #expect(outcome.judgements.count == expected)
        for j in outcome.judgements where !j.passes {
            Issue.record("\(j.dosimeter) \(j.label) \(j.quantity.rawValue): H \(j.delivered.value) mSv, Hm/H \(j.ratio ?? .nan) outside \(j.lower)–\(j.upper)")
        }
        #expect(outcome.passes)
        // Blind: the lab's doses are not the truth copied (they scatter).
        let ratios = outcome.judgements.compactMap(\.ratio)
        #expect(Set(ratios.map { ($0 * 1000).rounded() }).count > ratios.count / 2)
        #expect(ratios.contains { abs($0 - 1) > 0.02 })

        // The one command's outputs: the table says PASS with the count, the plot has one mark per result.
        let table = TypeTestReport.table(outcome)
        #expect(table.contains("\(outcome.judgements.count) of \(outcome.judgements.count) results within the trumpet curve: PASS"))
        #expect(table.contains("Kr-85 60°"))
        let svg = TrumpetPlot.svg(outcome.judgements, curve: outcome.curve)
        #expect(svg.hasPrefix("<svg"))
        let circles: Int = svg.components(separatedBy: "<circle").count - 1
        let squares: Int = svg.components(separatedBy: "<rect x=").count - 2  // minus the frame
        let marks = circles + squares
        #expect(marks == outcome.judgements.count)
        #expect(!svg.contains("#c62828"))  // no failure mark
    }

    @Test("the harness fails a result that is off: a wrong calibration shows up as failures")
    func harnessCanFail() async throws {
        let scenario = try TypeTestIrradiation.scenario(
            fields: [TypeTestIrradiation.Field(quality: "S-Cs", angleDegrees: 0)], dosesMilliSievert: [10], cardsPerPoint: 2)
        let store = try SQLiteLabStore.inMemory(logger: quietLogger)
        let outcome = try await Facility.run(scenario, store: store)
        #expect(outcome.passes)
        // The same doses judged against a tighter curve than F = 1.5 fail where the dose is off by more.
        let strict = TrumpetCurve(factor: 1.0001, lowerDoseLimit: MilliSievert(0.085))
        let judged = outcome.judgements.map { strict.judge(dosimeter: $0.dosimeter, label: $0.label, quantity: $0.quantity, delivered: $0.delivered, measured: $0.measured) }
        #expect(judged.contains { !$0.passes })
    }

    @Test("¹³⁷Cs at 1 mSv, 20 cards: the relative standard deviation of Hp(10) is below 5 %")
    func caesiumReproducibility() async throws {
        let scenario = try TypeTestIrradiation.scenario(
            fields: [TypeTestIrradiation.Field(quality: "S-Cs", angleDegrees: 0)], dosesMilliSievert: [1], cardsPerPoint: 20, seed: 137)
        let outcome = try await Facility.run(scenario, store: try SQLiteLabStore.inMemory(logger: quietLogger))
        let hp10 = outcome.cards.filter { $0.card.role == .worker }.compactMap { $0.dose?.hp10MilliSievert }
        #expect(hp10.count == 20)
        let mean = hp10.reduce(0, +) / Double(hp10.count)
        let sd = (hp10.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(hp10.count - 1)).squareRoot()
        #expect(sd / mean < 0.05, "RSD \(sd / mean)")
        #expect(sd / mean > 0.001)  // real scatter, not a copied truth
        #expect(abs(mean - 1) < 0.1)
    }
}

@Suite("Trumpet curve")
struct TrumpetCurveTests {
    @Test("band at H₀, at 1 mSv and far above: 0–2, then towards 1/F–F")
    func band() {
        let c = TrumpetCurve()
        let atH0 = c.allowedRatio(at: MilliSievert(0.085))
        #expect(abs(atH0.lowerBound) < 1e-12 && abs(atH0.upperBound - 2) < 1e-12)
        let high = c.allowedRatio(at: MilliSievert(1e6))
        #expect(abs(high.lowerBound - 1 / 1.5) < 1e-4 && abs(high.upperBound - 1.5) < 1e-4)
        // (1/1.5)(1 − 0.17/1.085) and 1.5(1 + 0.085/1.17) at 1 mSv.
        let one = c.allowedRatio(at: MilliSievert(1))
        #expect(abs(one.lowerBound - (1 / 1.5) * (1 - 0.17 / 1.085)) < 1e-12)
        #expect(abs(one.upperBound - 1.5 * (1 + 0.085 / 1.17)) < 1e-12)
        #expect(!c.judge(label: "x", quantity: .hp10, delivered: MilliSievert(1), measured: nil).passes)
        #expect(!c.judge(label: "x", quantity: .hp10, delivered: MilliSievert(1), measured: MilliSievert(1.7)).passes)
        #expect(c.judge(label: "x", quantity: .hp10, delivered: MilliSievert(1), measured: MilliSievert(1.5)).passes)
    }
}
