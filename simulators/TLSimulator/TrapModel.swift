import Foundation  // exp, log

/// One electron trap of the LiF:Mg,Ti model, emptied by first-order kinetics
/// dn/dt = −s·n·exp(−E/kT) (Randall & Wilkins, Proc. R. Soc. A 184, 1945).
public struct TrapPeak: Sendable, Hashable {
    public let name: String
    /// Glow-peak activation energy (eV) and the temperature of the glow maximum at 1 K/s (K): the
    /// published peak the trap reproduces when read.
    public let activationEnergyElectronVolt: Double
    public let peakKelvinAt1KelvinPerSecond: Double
    /// Glow-peak frequency factor (s⁻¹), from E and Tm by the peak condition.
    public let frequencyFactorPerSecond: Double
    /// Trapped population created per unit LiF dose, relative to peak 5.
    public let relativePopulationPerDose: Double
    /// Fading half-life at 20 °C storage (measured), nil for a trap that does not fade in a year.
    public let fadingHalfLifeDaysAt20Celsius: Double?
    /// How the trap empties during storage at room temperatures (``StorageArrhenius``): through its
    /// measured 20 °C half-life and its own escape rate at its glow maximum. nil for a trap that does not fade.
    public let storage: StorageArrhenius?

    public init(name: String, activationEnergyElectronVolt e: Double, peakKelvinAt1KelvinPerSecond tm: Double,
                relativePopulationPerDose: Double, fadingHalfLifeDaysAt20Celsius: Double?) {
        self.name = name
        activationEnergyElectronVolt = e
        peakKelvinAt1KelvinPerSecond = tm
        frequencyFactorPerSecond = LiFMgTi.frequencyFactor(energyElectronVolt: e, peakKelvin: tm, kelvinPerSecond: 1)
        self.relativePopulationPerDose = relativePopulationPerDose
        self.fadingHalfLifeDaysAt20Celsius = fadingHalfLifeDaysAt20Celsius
        // At its glow maximum (1 K/s) the trap empties at βE/(kTm²) per second (the peak condition).
        storage = fadingHalfLifeDaysAt20Celsius.map {
            StorageArrhenius.through(halfLifeDays: $0, referenceKelvin: LiFMgTi.referenceStorageKelvin,
                                     glowRatePerSecond: e / (LiFMgTi.boltzmannElectronVoltPerKelvin * tm * tm), glowPeakKelvin: tm)
        }
    }

    /// Activation energy of the trap's decay during storage (eV), nil for a trap that does not fade.
    public var storageActivationEnergyElectronVolt: Double? { storage?.activationEnergyElectronVolt }
    /// Frequency factor of the storage decay (s⁻¹), nil for a trap that does not fade.
    public var storageFrequencyFactorPerSecond: Double? { storage?.frequencyFactorPerSecond }

    /// Escape probability per second at `kelvin` during a read: p = s·exp(−E/kT) with the glow parameters.
    public func escapeRatePerSecond(kelvin: Double) -> Double {
        frequencyFactorPerSecond * exp(-activationEnergyElectronVolt / (LiFMgTi.boltzmannElectronVoltPerKelvin * kelvin))
    }
}

/// The simulator's LiF:Mg,Ti (TLD-100-like) trap set: glow peaks 2–5 and a high-temperature residual trap.
public enum LiFMgTi {
    /// Boltzmann constant in eV/K (shared/notes/tl-physics.md; CODATA 8.617333e-5, the value used in
    /// the GLOCANIN analyses).
    public static let boltzmannElectronVoltPerKelvin = 8.617385e-5

    /// The frequency factor that puts a first-order peak of energy E at Tm for linear heating β, from the
    /// peak condition dI/dT = 0: βE/(kTm²) = s·exp(−E/kTm) (Randall & Wilkins 1945; tgcd documentation).
    public static func frequencyFactor(energyElectronVolt e: Double, peakKelvin tm: Double, kelvinPerSecond beta: Double) -> Double {
        let k = boltzmannElectronVoltPerKelvin
        return beta * e / (k * tm * tm) * exp(e / (k * tm))
    }

    /// Peaks 2–5: E and Tm of the four first-order peaks of the GLOCANIN synthetic TLD-100 curve x002
    /// (Bos, Piters, Gómez Ros, Delgado, Radiat. Prot. Dosim. 47 (1993) 473; E = 1.383 / 1.483 / 1.583 /
    /// 2.002 eV at Tm = 417.2 / 456.6 / 484.0 / 511.7 K, see shared/data/glocanin/README.md), taken as
    /// the curve at 1 K/s (GLOCANIN synthetic curves: 1 K per point) to fix s. Relative populations are
    /// that curve's peak areas, area = Im·e·kTm²/(βE) for a first-order peak: 0.236 / 0.360 / 0.583 / 1.
    ///
    /// The residual trap stands for the high-temperature peaks (6–10) of TLD-100, which hold a few per
    /// cent of the low-LET signal and lie above the 300 °C readout maximum (Horowitz & Oster, Radiat.
    /// Prot. Dosim. 2024, ncae140, "The thermoluminescence glow curves of LiF:Mg,Ti"): E = 2.4 eV at
    /// Tm = 580 K (1 K/s), 4 % of peak 5. A 300 °C read empties about a tenth of it, so a reread gives
    /// a residual of a few tenths of a per cent of the dosimetric signal.
    ///
    /// Fading at 20 °C: the kinetic lifetimes τ = s⁻¹·exp(E/kT) at 20 °C are years even for peak 2 (4 years with
    /// these values), which contradicts measured TLD-100 fading, so measured half-lives are used:
    /// peak 2 ≈ 10 h (Cameron, Suntharalingam & Kenney, *Thermoluminescent Dosimetry*, 1968, as tabulated
    /// by McKeever, *Thermoluminescence of Solids*, 1985); peaks 4 and 5 set to 90 d and 3 a so that the
    /// peak 4+5 region fades ≈ 5 % / 12 % / 20 % for uniform irradiation over 30 / 90 / 180 days, the
    /// size of measured card fading (Harshaw algorithm F = exp[−0.00331·(t/2 − 8)], shared/notes; Alfassi
    /// et al., Radiat. Prot. Dosim. 64 (1996) 269: 19–22 % after 1–3 months with a 100 °C preheat, 7–11 %
    /// with 150 °C); peak 3 at 20 d, between peaks 2 and 4 (the classical 0.5 a for peak 3 would make
    /// it outlast peak 4, against the ordering of trap depths). Peak 3's value is therefore an
    /// assumption, not a published figure (simulators/README.md, "Fading", says what would replace it).
    ///
    /// Temperature dependence (``StorageArrhenius``): each trap decays by first order during storage with
    /// its own Arrhenius law τ(T) = s_f⁻¹·exp(E_f/kT), the line through two published rates of that trap:
    /// its measured 20 °C fading (above) and its escape rate at its own glow maximum, βE/(kTm²) at 1 K/s
    /// for the x002 peak. Result (simulators/README.md, "Fading"): E_f = 0.720 / 0.863 / 0.877 / 0.965 eV,
    /// s_f = 4.6e7 / 2.8e8 / 1.1e8 / 2.8e8 s⁻¹ for peaks 2–5, i.e. fading × 2.6 / 3.1 / 3.1 / 3.5 per
    /// +10 K near room temperature. Nothing is fitted to a storage-temperature figure; the model is checked
    /// against them instead (README: 22 % of peaks 4+5 in 90 days at 27 °C against 19 % reported; peak 5
    /// keeps 86 % after 68 days at 30 °C and 23 % at 50 °C, "large losses only at 50 °C", PMID 21733861).
    /// The glow-peak E (1.4–2.0 eV) must not be used for storage: peak 2 would last years at 20 °C.
    public static let peaks: [TrapPeak] = [
        TrapPeak(name: "peak 2", activationEnergyElectronVolt: 1.383, peakKelvinAt1KelvinPerSecond: 417.2,
                 relativePopulationPerDose: 0.236, fadingHalfLifeDaysAt20Celsius: 10.0 / 24),
        TrapPeak(name: "peak 3", activationEnergyElectronVolt: 1.483, peakKelvinAt1KelvinPerSecond: 456.6,
                 relativePopulationPerDose: 0.360, fadingHalfLifeDaysAt20Celsius: 20),
        TrapPeak(name: "peak 4", activationEnergyElectronVolt: 1.583, peakKelvinAt1KelvinPerSecond: 484.0,
                 relativePopulationPerDose: 0.583, fadingHalfLifeDaysAt20Celsius: 90),
        TrapPeak(name: "peak 5", activationEnergyElectronVolt: 2.002, peakKelvinAt1KelvinPerSecond: 511.7,
                 relativePopulationPerDose: 1.0, fadingHalfLifeDaysAt20Celsius: 3 * 365.25),
        TrapPeak(name: "high-temperature residual", activationEnergyElectronVolt: 2.4, peakKelvinAt1KelvinPerSecond: 580,
                 relativePopulationPerDose: 0.04, fadingHalfLifeDaysAt20Celsius: nil),
    ]

    /// Indices of the dosimetric region, peaks 4 and 5.
    public static let regionOfInterest = [2, 3]

    static let referenceStorageKelvin = 293.15

    /// Fading rate constant (per day) of `peak` at a storage temperature: s_f·exp(−E_f/kT).
    static func fadingRatePerDay(_ peak: TrapPeak, storageKelvin: Double) -> Double {
        guard let storage = peak.storage else { return 0 }
        return storage.ratePerSecond(kelvin: storageKelvin) * 86_400
    }

    /// Fraction of the population still trapped at readout when the dose accrued at a constant rate over
    /// `days` and each trapped charge decays with rate λ: (1 − e^(−λT))/(λT).
    public static func uniformIrradiationSurvival(_ peak: TrapPeak, days: Double, storageKelvin: Double) -> Double {
        let x = fadingRatePerDay(peak, storageKelvin: storageKelvin) * days
        return x < 1e-9 ? 1 - x / 2 : -expm1(-x) / x
    }

    /// Survival fraction of the peak 4+5 signal after uniform irradiation over `days` (what the README
    /// reports as the model's fading).
    public static func regionOfInterestSurvival(days: Double, storageKelvin: Double = 293.15) -> Double {
        var total = 0.0, kept = 0.0
        for i in regionOfInterest {
            total += peaks[i].relativePopulationPerDose
            kept += peaks[i].relativePopulationPerDose * uniformIrradiationSurvival(peaks[i], days: days, storageKelvin: storageKelvin)
        }
        return kept / total
    }
}
