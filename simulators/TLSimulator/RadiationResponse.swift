import Foundation  // exp

/// The simulated whole-body card and holder: four LiF:Mg,Ti elements behind different filters.
///
/// | element | filter | follows |
/// |---|---|---|
/// | E1 | thin window, ~7 mg/cm² | Hp(0.07) |
/// | E2 | ~1000 mg/cm² tissue-equivalent plastic | Hp(10) |
/// | E3 | plastic + 300 mg/cm² Al (≈ 1.1 mm) | Hp(10), energy discrimination |
/// | E4 | plastic + 450 mg/cm² Cu (≈ 0.5 mm) | Hp(10), energy discrimination |
///
/// ICRU defines Hp(0.07) and Hp(10) at 7 and 1000 mg/cm² of tissue, so E1 and E2 track them
/// (shared/notes/tl-physics.md, "Multi-element dose algorithm"; Landauer InLight and Harshaw 8814-type
/// holders use the same idea).
public enum CardGeometry {
    public static let elementsPerCard = 4
    /// Areal density of the metal filter behind the plastic, per element (g/cm²); 0 = none.
    static let metalFilter: [(material: FilterMaterial?, gramsPerSquareCentimetre: Double)] = [
        (nil, 0), (nil, 0), (.aluminium, 0.30), (.copper, 0.45),
    ]
    /// Which operational quantity each element follows (index 0 = E1).
    static let followsShallowDose: [Bool] = [true, false, false, false]
}

enum FilterMaterial: Sendable { case aluminium, copper }

/// A reference radiation quality (ISO 4037-1 names) and the data the element response needs.
///
/// Only photon qualities with charged-particle equilibrium are in the table for now (S-Cs, S-Co);
/// X-ray (N-40 … N-150) and beta (⁹⁰Sr/⁹⁰Y, ⁸⁵Kr) qualities are added as more rows later, with their
/// filter transmissions from cross-section data.
public struct RadiationQuality: Sendable, Hashable {
    public let name: String
    public let meanEnergyKiloElectronVolt: Double
    /// Air kerma → Hp(10) on the ISO slab phantom, 0°, in Sv/Gy.
    public let hp10PerAirKermaSievertPerGray: Double
    /// Air kerma → Hp(0.07) on the ISO slab phantom, 0°, in Sv/Gy.
    public let hp007PerAirKermaSievertPerGray: Double
    /// (μen/ρ) of air at the quality's energy, cm²/g.
    let airMassEnergyAbsorptionSquareCentimetrePerGram: Double

    /// S-Cs (¹³⁷Cs, 662 keV) and S-Co (⁶⁰Co, 1173/1333 keV, mean 1250 keV).
    ///
    /// Conversion coefficients: ISO 4037-3:1999, slab phantom, 0°: Hp(10)/Ka = 1.21 Sv/Gy (S-Cs) and
    /// 1.15 Sv/Gy (S-Co); Hp(0.07)/Ka = 1.21 (S-Cs) and 1.16 (S-Co) (as collected by R. Behrens,
    /// Radiat. Prot. Dosim. 147 (2011) 373–379; the S-Co Hp(10) value is also quoted by B. Gaulke,
    /// RADSAFE 1999). (μen/ρ) of air: J. H. Hubbell and S. M. Seltzer, NIST X-ray mass attenuation and
    /// energy-absorption tables (NISTIR 5632), 0.0293 cm²/g at 662 keV and 0.0267 cm²/g at 1.25 MeV,
    /// log–log interpolated between the 0.6/0.8 MeV and 1.25 MeV rows.
    public static let supported: [RadiationQuality] = [
        RadiationQuality(
            name: "S-Cs", meanEnergyKiloElectronVolt: 662, hp10PerAirKermaSievertPerGray: 1.21,
            hp007PerAirKermaSievertPerGray: 1.21, airMassEnergyAbsorptionSquareCentimetrePerGram: 0.0293),
        RadiationQuality(
            name: "S-Co", meanEnergyKiloElectronVolt: 1250, hp10PerAirKermaSievertPerGray: 1.15,
            hp007PerAirKermaSievertPerGray: 1.16, airMassEnergyAbsorptionSquareCentimetrePerGram: 0.0267),
    ]

    public static func named(_ name: String) -> RadiationQuality? { supported.first { $0.name == name } }

    /// Electrons per gram as Z/A (mol/g) from NIST (Hubbell & Seltzer, NISTIR 5632, Tables 1 and 2).
    static let zOverA: (air: Double, lif: Double, aluminium: Double, copper: Double) = (0.49919, 0.46262, 0.48181, 0.45636)

    /// (μen/ρ)_LiF / (μen/ρ)_air. At 0.6–1.3 MeV Compton scattering carries > 99 % of the energy
    /// absorbed in these light materials, so μen/ρ is proportional to the electrons per gram, Z/A:
    /// 0.46262 / 0.49919 = 0.927 (the same argument gives LiF/water 0.833, the usual ⁶⁰Co value).
    public var lifToAirMassEnergyAbsorptionRatio: Double { Self.zOverA.lif / Self.zOverA.air }

    /// Transmission of element `index`'s metal filter relative to E2 (plastic only), in the broad-beam
    /// energy-absorption approximation T = exp(−(μen/ρ)·ρx) (build-up compensates most scattered
    /// photons): μen/ρ of the metal from air's scaled by Z/A (Compton-dominated, see above).
    /// ≈ 0.99 at these energies, as expected.
    func filterTransmission(element index: Int) -> Double {
        let (material, arealDensity) = CardGeometry.metalFilter[index]
        guard let material, arealDensity > 0 else { return 1 }
        let zOverA: Double = switch material {
        case .aluminium: Self.zOverA.aluminium
        case .copper: Self.zOverA.copper
        }
        let muEn = airMassEnergyAbsorptionSquareCentimetrePerGram * zOverA / Self.zOverA.air
        return exp(-muEn * arealDensity)
    }

    /// Absorbed dose to LiF in each element (µGy) for a field giving these true Hp values.
    ///
    /// Air kerma is recovered from the operational quantity each element follows (Ka = Hp/h), then
    /// D_LiF = Ka × (μen/ρ)_LiF/(μen/ρ)_air × filter transmission (charged-particle equilibrium, which
    /// the card's plastic gives at these energies).
    func elementDoseMicroGray(hp10MilliSievert: Double, hp007MilliSievert: Double) -> [Double] {
        let kermaDeep = hp10MilliSievert / hp10PerAirKermaSievertPerGray * 1000  // µGy
        let kermaShallow = hp007MilliSievert / hp007PerAirKermaSievertPerGray * 1000
        return (0..<CardGeometry.elementsPerCard).map { i in
            let kerma = CardGeometry.followsShallowDose[i] ? kermaShallow : kermaDeep
            return kerma * lifToAirMassEnergyAbsorptionRatio * filterTransmission(element: i)
        }
    }
}

/// Natural background: terrestrial and cosmic photons, given as an ambient dose equivalent rate.
enum NaturalBackground {
    /// H*(10)/Ka for the terrestrial spectrum ≈ 1.20 Sv/Gy (²²⁶Ra with progeny, HPS "Ask the experts"
    /// Q8505); every element gets the same LiF dose (filters are ≈ transparent to it).
    static let ambientDoseEquivalentPerAirKerma = 1.20

    static func lifDoseMicroGray(nanoSievertPerHour: Double, days: Double) -> Double {
        let airKermaMicroGray = nanoSievertPerHour * 24 * days / 1000 / ambientDoseEquivalentPerAirKerma
        return airKermaMicroGray * (RadiationQuality.zOverA.lif / RadiationQuality.zOverA.air)
    }
}
