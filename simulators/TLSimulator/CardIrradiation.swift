/// Turns a scenario card's true dose history into trapped populations in each element at readout.
enum CardIrradiation {
    /// Fixed relative sensitivity of one element: 1 + σ·N(0,1), drawn from the scenario seed and the
    /// card ID, so it is the same every time the card is read (ECCs are a property of the element).
    static func sensitivity(seed: UInt64, card: String, element index: Int, spread: Double) -> Double {
        var g = SplitMix64.stream(seed: seed, keys: [0x5E45, fnv1a64(card), UInt64(index)])
        return Swift.max(0.5, 1 + spread * g.nextStandardNormal())
    }

    /// Expected photon counts stored in each trap of element `index` (0-based) at readout:
    /// gain × relative population × sensitivity × LiF dose × fading survival.
    static func populations(card: ScenarioCard, element index: Int, scenario: Scenario, physics: ReaderPhysics) -> [Double] {
        guard let quality = RadiationQuality.named(card.quality) else { return LiFMgTi.peaks.map { _ in 0 } }
        let field = quality.elementDoseMicroGray(
            hp10MilliSievert: card.hp10MilliSievert, hp007MilliSievert: card.hp007MilliSievert, angleDegrees: card.angleDegrees ?? 0)[index]
        let background = NaturalBackground.lifDoseMicroGray(nanoSievertPerHour: scenario.backgroundNanoSievertPerHour, days: card.daysSinceAnneal)
        let dose = field + background
        let sens = sensitivity(seed: scenario.seed, card: card.id, element: index, spread: physics.elementSensitivitySpread)
        let storageKelvin = (card.storageCelsius ?? scenario.storageCelsius) + 273.15
        return LiFMgTi.peaks.map { peak in
            physics.peak5CountsPerMicroGray * peak.relativePopulationPerDose * sens * dose
                * LiFMgTi.uniformIrradiationSurvival(peak, days: card.daysSinceAnneal, storageKelvin: storageKelvin)
        }
    }
}
