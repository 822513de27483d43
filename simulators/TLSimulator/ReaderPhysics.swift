import Foundation  // exp

/// Properties of the simulated reader's light detection, unknown to the lab (it calibrates them away).
public struct ReaderPhysics: Sendable, Hashable {
    /// Expected photon counts from the full peak-5 population per µGy of LiF dose (PMT gain × light
    /// collection): ≈ 3 × 10⁴ counts per mSv of ¹³⁷Cs Hp(10) on the dosimetric peak.
    public var peak5CountsPerMicroGray: Double = 40
    /// PMT dark count rate (a cooled bialkali PMT: tens per second).
    public var darkCountsPerSecond: Double = 30
    /// Incandescence of the element and its support, a black-body-like rise A·exp((T − 573.15 K)/C):
    /// in the Wien limit black-body light in a fixed band grows ∝ exp(−hc/λkT), close to exponential in
    /// T over 450–600 K; the steep rise at the top of real LiF curves (tgcd Kitis x004 background curve).
    public var incandescenceCountsPerSecondAt300Celsius: Double = 300
    public var incandescenceScaleKelvin: Double = 25
    /// Thermocouple noise of the heater reading (rms), kelvin.
    public var thermocoupleNoiseKelvin: Double = 0.2
    /// Relative element sensitivity spread (1σ) between elements and cards.
    public var elementSensitivitySpread: Double = 0.03
    /// Room temperature reported by the idle heater.
    public var ambientKelvin: Double = 297.85
    /// QC reference light source: mean counts per QC measurement.
    public var referenceLightCounts: Double = 1_520_000
    public var highVoltageVolts: UInt16 = 1150

    public init() {}

    func incandescenceCountsPerSecond(kelvin: Double) -> Double {
        incandescenceCountsPerSecondAt300Celsius * exp((kelvin - 573.15) / incandescenceScaleKelvin)
    }
}
