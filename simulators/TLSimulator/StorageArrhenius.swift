import Foundation  // exp, log

/// How one trap of the simulator empties while the card is stored: first order,
/// n(t) = n0·exp(−s·t·exp(−E/kT)), i.e. the lifetime τ(T) = s⁻¹·exp(E/kT) (Randall & Wilkins, Proc. R.
/// Soc. A 184 (1945) 366; Chen & McKeever, *Theory of Thermoluminescence and Related Phenomena*, 1997).
///
/// E and s are fixed by two published rates of the same trap, with no free parameter:
/// 1. its measured fading at room temperature: λ(20 °C) = ln 2 / t½(20 °C) (simulators/README.md,
///    "Fading", gives the source of every half-life);
/// 2. its rate at its own glow maximum: a first-order peak read at β peaks where the escape rate is
///    s_g·exp(−E_g/kTm) = βE_g/(kTm²) (the peak condition), with E_g and Tm the published glow-peak
///    parameters (GLOCANIN x002, Bos et al., Radiat. Prot. Dosim. 47 (1993) 473, at 1 K/s).
/// The Arrhenius line through both points gives E = k·ln(λ(Tm)/λ(20 °C)) / (1/293.15 K − 1/Tm) and
/// s = λ(20 °C)·exp(E/k·293.15 K). It is not the glow-peak E (1.4–2.0 eV): with that, the trap's
/// room-temperature lifetime would be years for peak 2 (which is gone within days), the known failure
/// of glow-curve parameters of LiF:Mg,Ti at room temperature (simulators/README.md).
public struct StorageArrhenius: Sendable, Hashable {
    public let activationEnergyElectronVolt: Double
    public let frequencyFactorPerSecond: Double

    public init(activationEnergyElectronVolt: Double, frequencyFactorPerSecond: Double) {
        self.activationEnergyElectronVolt = activationEnergyElectronVolt
        self.frequencyFactorPerSecond = frequencyFactorPerSecond
    }

    /// The law through the measured half-life at `referenceKelvin` and the trap's escape rate at its glow
    /// maximum (`glowRatePerSecond` at `glowPeakKelvin`).
    public static func through(
        halfLifeDays: Double, referenceKelvin: Double, glowRatePerSecond: Double, glowPeakKelvin: Double
    ) -> StorageArrhenius {
        let k = LiFMgTi.boltzmannElectronVoltPerKelvin
        let reference = log(2) / (halfLifeDays * 86_400)
        let e = k * log(glowRatePerSecond / reference) / (1 / referenceKelvin - 1 / glowPeakKelvin)
        return StorageArrhenius(activationEnergyElectronVolt: e, frequencyFactorPerSecond: reference * exp(e / (k * referenceKelvin)))
    }

    /// Escape rate per second at `kelvin`: s·exp(−E/kT).
    public func ratePerSecond(kelvin: Double) -> Double {
        frequencyFactorPerSecond * exp(-activationEnergyElectronVolt / (LiFMgTi.boltzmannElectronVoltPerKelvin * kelvin))
    }

    /// Half-life in days at `kelvin`.
    public func halfLifeDays(kelvin: Double) -> Double {
        log(2) / ratePerSecond(kelvin: kelvin) / 86_400
    }
}
