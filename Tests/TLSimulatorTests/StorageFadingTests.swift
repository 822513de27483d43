import Foundation
import Testing
@testable import TLSimulator

/// The simulator's fading per peak and its temperature dependence (simulators/README.md, "Fading"):
/// first order n0·exp(−s_f·t·exp(−E_f/kT)) with the 20 °C half-lives kept and E_f fitted to published
/// storage fading; the scenario's (or the card's) storageCelsius drives it.
@Suite("Storage fading and temperature")
struct StorageFadingTests {
    func halfLifeDays(_ peak: TrapPeak, celsius: Double) -> Double {
        log(2) / LiFMgTi.fadingRatePerDay(peak, storageKelvin: celsius + 273.15)
    }

    @Test("20 °C half-lives kept; × 2.3 faster per +10 K; peak 5 does not lose half in 100 days at 30 °C")
    func halfLives() throws {
        let p = LiFMgTi.peaks
        #expect(abs(halfLifeDays(p[0], celsius: 20) * 24 - 10) < 1e-6)
        #expect(abs(halfLifeDays(p[1], celsius: 20) - 20) < 1e-6)
        #expect(abs(halfLifeDays(p[3], celsius: 20) / 365.25 - 3) < 1e-6)
        let ratio = halfLifeDays(p[2], celsius: 20) / halfLifeDays(p[2], celsius: 30)
        #expect(ratio > 2.2 && ratio < 2.5)
        // First order: the stored population after t days at T, straight from s_f and E_f.
        let s = try #require(p[1].storageFrequencyFactorPerSecond)
        let k = LiFMgTi.boltzmannElectronVoltPerKelvin
        let n = exp(-s * 15 * 86_400 * exp(-p[1].storageActivationEnergyElectronVolt / (k * 303.15)))
        #expect(abs(n - exp(-log(2) * 15 / halfLifeDays(p[1], celsius: 30))) < 1e-12)
        #expect(LiFMgTi.uniformIrradiationSurvival(p[3], days: 100, storageKelvin: 303.15) > 0.9)
        // Peaks 4+5 fade 12 % in 90 days at 20 °C and about 19 % at 27 °C (the fitted measurement).
        #expect(abs(1 - LiFMgTi.regionOfInterestSurvival(days: 90) - 0.12) < 0.005)
        #expect(abs(1 - LiFMgTi.regionOfInterestSurvival(days: 90, storageKelvin: 300.15) - 0.19) < 0.01)
    }

    @Test("a card's own storageCelsius overrides the scenario's; warmer storage leaves less of peak 3")
    func cardTemperatureDrivesThePopulations() throws {
        let reader = ReaderDescription(model: "m", serial: "s", firmware: "f")
        func populations(card celsius: Double?, scenario: Double) -> [Double] {
            let card = ScenarioCard(id: "10000016", role: .worker, hp10MilliSievert: 2, hp007MilliSievert: 2, quality: "S-Cs",
                                    daysSinceAnneal: 60, storageCelsius: celsius)
            let s = Scenario(seed: 1, reader: reader, elementMilliseconds: 0, storageCelsius: scenario, backgroundNanoSievertPerHour: 0, cards: [card])
            return CardIrradiation.populations(card: card, element: 1, scenario: s, physics: ReaderPhysics())
        }
        let at20 = populations(card: nil, scenario: 20)
        let at30 = populations(card: 30, scenario: 20)
        #expect(populations(card: nil, scenario: 30) == at30)
        #expect(at30[1] / at20[1] < 0.7)  // peak 3
        #expect(at30[3] / at20[3] > 0.9 && at30[3] < at20[3])  // peak 5
        #expect(at30[4] == at20[4])  // the residual trap does not fade
        let json = #"{"format":1,"seed":1,"reader":{"model":"m","serial":"s","firmware":"f"},"storageCelsius":20,"backgroundNanoSievertPerHour":0,"cards":[{"id":"10000016","role":"worker","hp10MilliSievert":1,"hp007MilliSievert":1,"quality":"S-Cs","daysSinceAnneal":3,"storageCelsius":95}]}"#
        #expect(throws: ScenarioError.self) { try Scenario(json: Data(json.utf8)) }
    }
}
