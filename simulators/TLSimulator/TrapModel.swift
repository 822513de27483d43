import Foundation  // exp, log

/// One electron trap of the LiF:Mg,Ti model, emptied by first-order kinetics
/// dn/dt = −s·n·exp(−E/kT) (Randall & Wilkins, Proc. R. Soc. A 184, 1945).
public struct TrapPeak: Sendable, Hashable {
    public let name: String
    public let activationEnergyElectronVolt: Double
    public let frequencyFactorPerSecond: Double
    /// Trapped population created per unit LiF dose, relative to peak 5.
    public let relativePopulationPerDose: Double
    /// Fading half-life at 20 °C storage (measured), nil for a trap that does not fade in a year.
    public let fadingHalfLifeDaysAt20Celsius: Double?
    /// Activation energy of the trap's thermal decay during storage (eV): the E of
    /// n(t) = n0·exp(−s_f·t·exp(−E_f/kT)) at room temperature, which is not the E of the glow peak
    /// (see ``LiFMgTi/storageActivationEnergyElectronVolt``).
    public var storageActivationEnergyElectronVolt: Double = LiFMgTi.storageActivationEnergyElectronVolt

    /// Frequency factor of the storage decay (s⁻¹): s_f = ln 2 / t½(20 °C) · exp(E_f/k·293.15 K), so the
    /// measured 20 °C half-life is kept exactly. nil for a trap that does not fade.
    public var storageFrequencyFactorPerSecond: Double? {
        guard let half = fadingHalfLifeDaysAt20Celsius else { return nil }
        return log(2) / (half * 86_400)
            * exp(storageActivationEnergyElectronVolt / (LiFMgTi.boltzmannElectronVoltPerKelvin * LiFMgTi.referenceStorageKelvin))
    }

    /// Escape probability per second at `kelvin`: p = s·exp(−E/kT).
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
    /// it outlast peak 4, against the ordering of trap depths).
    ///
    /// Temperature dependence: each trap decays by first order during storage,
    /// n(t) = n0·exp(−s_f·t·exp(−E_f/kT)), with E_f = ``storageActivationEnergyElectronVolt`` and s_f
    /// from the 20 °C half-life (``TrapPeak/storageFrequencyFactorPerSecond``). The glow-peak E
    /// (1.4–2.0 eV) would make peak 5 lose about half its signal in 100 days at 30 °C, which no
    /// measurement shows (shared/notes/tl-physics.md, "Fading and storage temperature"); E_f is fitted to
    /// the measured storage fading instead (simulators/README.md, "Fading").
    public static let peaks: [TrapPeak] = [
        TrapPeak(name: "peak 2", activationEnergyElectronVolt: 1.383,
                 frequencyFactorPerSecond: frequencyFactor(energyElectronVolt: 1.383, peakKelvin: 417.2, kelvinPerSecond: 1),
                 relativePopulationPerDose: 0.236, fadingHalfLifeDaysAt20Celsius: 10.0 / 24),
        TrapPeak(name: "peak 3", activationEnergyElectronVolt: 1.483,
                 frequencyFactorPerSecond: frequencyFactor(energyElectronVolt: 1.483, peakKelvin: 456.6, kelvinPerSecond: 1),
                 relativePopulationPerDose: 0.360, fadingHalfLifeDaysAt20Celsius: 20),
        TrapPeak(name: "peak 4", activationEnergyElectronVolt: 1.583,
                 frequencyFactorPerSecond: frequencyFactor(energyElectronVolt: 1.583, peakKelvin: 484.0, kelvinPerSecond: 1),
                 relativePopulationPerDose: 0.583, fadingHalfLifeDaysAt20Celsius: 90),
        TrapPeak(name: "peak 5", activationEnergyElectronVolt: 2.002,
                 frequencyFactorPerSecond: frequencyFactor(energyElectronVolt: 2.002, peakKelvin: 511.7, kelvinPerSecond: 1),
                 relativePopulationPerDose: 1.0, fadingHalfLifeDaysAt20Celsius: 3 * 365.25),
        TrapPeak(name: "high-temperature residual", activationEnergyElectronVolt: 2.4,
                 frequencyFactorPerSecond: frequencyFactor(energyElectronVolt: 2.4, peakKelvin: 580, kelvinPerSecond: 1),
                 relativePopulationPerDose: 0.04, fadingHalfLifeDaysAt20Celsius: nil),
    ]

    /// Indices of the dosimetric region, peaks 4 and 5.
    public static let regionOfInterest = [2, 3]

    static let referenceStorageKelvin = 293.15

    /// Activation energy of storage fading (eV), one value for peaks 2–5: fitted so that the peak 4+5
    /// region of this model fades 19 % in 90 days at 27 °C as measured for TLD-100 (shared/notes/
    /// tl-physics.md) where it fades 12 % at 20 °C; i.e. fading ×2.3 per +10 K. It is consistent with
    /// the small temperature effect seen in long storage (Bilski et al., arXiv:1302.4548: LiF:Mg,Ti within
    /// 10 % over 1.5 a at +18.5 and −17.4 °C; Alfassi et al. 1996: "slightly higher fading during the hot
    /// season") and with peak 5 losing much only at 50 °C (Radiat. Prot. Dosim. 2011, PMID 21733861).
    public static let storageActivationEnergyElectronVolt = 0.65

    /// Fading rate constant (per day) of `peak` at a storage temperature: s_f·exp(−E_f/kT).
    static func fadingRatePerDay(_ peak: TrapPeak, storageKelvin: Double) -> Double {
        guard let s = peak.storageFrequencyFactorPerSecond else { return 0 }
        return s * 86_400 * exp(-peak.storageActivationEnergyElectronVolt / (boltzmannElectronVoltPerKelvin * storageKelvin))
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
