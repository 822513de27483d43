import Testing
@testable import TLSimulator

@Suite("Type-test irradiation facility")
struct TypeTestIrradiationTests {
    @Test("the magazine: calibration dosimeters, controls, then each field × dose; photon Hp(0.07) from the conversion coefficients")
    func magazine() throws {
        let fields = [TypeTestIrradiation.Field(quality: "N-80", angleDegrees: 60), TypeTestIrradiation.Field(quality: "Kr-85", angleDegrees: 0)]
        let s = try TypeTestIrradiation.scenario(fields: fields, dosesMilliSievert: [0.1, 10], cardsPerPoint: 2)
        #expect(s.cards.count == 10 + 3 + 2 * 2 * 2)
        #expect(s.cards.prefix(10).allSatisfy { $0.role == .calibration && $0.quality == "S-Cs" && $0.hp10MilliSievert == 2 && $0.daysSinceAnneal == 16 })
        #expect(s.cards.dropFirst(10).prefix(3).allSatisfy { $0.role == .control && $0.hp10MilliSievert == 0 })
        let n80 = s.cards.filter { $0.quality == "N-80" }
        let h = try #require(RadiationQuality.named("N-80")?.conversionCoefficients(angleDegrees: 60))
        #expect(n80.allSatisfy { $0.angleDegrees == 60 && abs($0.hp007MilliSievert / $0.hp10MilliSievert - h.hp007 / h.hp10) < 1e-12 })
        #expect(s.cards.filter { $0.quality == "Kr-85" }.allSatisfy { $0.hp10MilliSievert == 0 && $0.hp007MilliSievert > 0 })
        #expect(Set(s.cards.map(\.id)).count == s.cards.count)
        #expect(TypeTestIrradiation.referenceFields.count == RadiationQuality.supported.count * 2)
    }

    @Test("angles outside 0–60° and unknown qualities are refused")
    func refusals() {
        #expect(throws: ScenarioError.self) {
            try TypeTestIrradiation.scenario(fields: [.init(quality: "N-80", angleDegrees: 75)], dosesMilliSievert: [1])
        }
        #expect(throws: ScenarioError.self) {
            try TypeTestIrradiation.scenario(fields: [.init(quality: "N-300", angleDegrees: 0)], dosesMilliSievert: [1])
        }
    }

    @Test("conversion coefficients at an intermediate angle lie between 0° and 60°")
    func interpolation() throws {
        let q = try #require(RadiationQuality.named("N-100"))
        let c0 = try #require(q.conversionCoefficients(angleDegrees: 0))
        let c45 = try #require(q.conversionCoefficients(angleDegrees: 45))
        let c60 = try #require(q.conversionCoefficients(angleDegrees: 60))
        #expect(c45.hp10 < c0.hp10 && c45.hp10 > c60.hp10)
        #expect(RadiationQuality.named("Sr-90/Y-90")?.conversionCoefficients(angleDegrees: 0) == nil)
    }
}
