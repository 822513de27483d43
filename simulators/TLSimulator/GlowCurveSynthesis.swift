import Foundation  // exp
import ReaderProtocol

/// What one heating of one element produced.
struct SynthesizedRead: Sendable, Hashable {
    var channels: [CurveChannel]
    /// Trap populations left at the end of each channel (for an abort part-way).
    var populationsAfterChannel: [[Double]]
    /// Trap populations left after the whole read.
    var remaining: [Double]
    var darkCountsPerSecond: UInt32
    var heaterMaxDeciCelsius: Int16
    var channelMicroseconds: UInt32
    var pmtOverrange: Bool
}

/// Integrates the trap kinetics along the heater's actual temperature and turns the emitted light into
/// Poisson counts per channel (light ∝ −dn/dt, plus dark counts and incandescence).
enum GlowCurveSynthesis {
    /// Sub-steps per channel. At 10 K/s and 133 ms channels a sub-step spans 0.08 K, so holding T at the
    /// sub-step midpoint is exact to far below the Poisson noise.
    static let substepsPerChannel = 16

    /// First-order depletion over `seconds` at a constant temperature: n·exp(−s·exp(−E/kT)·t).
    static func isothermal(_ populations: [Double], kelvin: Double, seconds: Double) -> [Double] {
        zip(LiFMgTi.peaks, populations).map { peak, n in n * exp(-peak.escapeRatePerSecond(kelvin: kelvin) * seconds) }
    }

    static func read(
        populations start: [Double], profile: HeatingProfile, physics: ReaderPhysics, rng: inout SplitMix64
    ) -> SynthesizedRead {
        // Dark rate "measured just before heating": one second of dark counts.
        let darkMeasured = UInt32(clamping: rng.nextPoisson(mean: physics.darkCountsPerSecond))
        var n = isothermal(start, kelvin: profile.preheatKelvin, seconds: profile.preheatSeconds)
        let dt = profile.channelSeconds / Double(substepsPerChannel)
        var channels: [CurveChannel] = []
        var after: [[Double]] = []
        channels.reserveCapacity(profile.channels)
        after.reserveCapacity(profile.channels)
        var heaterMax = Int16.min
        var overrange = false
        for c in 0..<profile.channels {
            var light = physics.darkCountsPerSecond * profile.channelSeconds
            for j in 0..<substepsPerChannel {
                let t = profile.preheatSeconds + (Double(c) + (Double(j) + 0.5) / Double(substepsPerChannel)) * profile.channelSeconds
                let kelvin = profile.heaterKelvin(atSeconds: t)
                for (i, peak) in LiFMgTi.peaks.enumerated() {
                    let left = n[i] * exp(-peak.escapeRatePerSecond(kelvin: kelvin) * dt)
                    light += n[i] - left
                    n[i] = left
                }
                light += physics.incandescenceCountsPerSecond(kelvin: kelvin) * dt
            }
            let counts = rng.nextPoisson(mean: light)
            if counts > UInt64(UInt32.max) { overrange = true }
            let midKelvin = profile.heaterKelvin(atSeconds: profile.preheatSeconds + (Double(c) + 0.5) * profile.channelSeconds)
            let measured = midKelvin + physics.thermocoupleNoiseKelvin * rng.nextStandardNormal()
            let deci = Int16(clamping: Int(((measured - 273.15) * 10).rounded()))
            heaterMax = max(heaterMax, deci)
            channels.append(CurveChannel(counts: UInt32(clamping: counts), temperatureDeciCelsius: deci))
            after.append(n)
        }
        return SynthesizedRead(
            channels: channels, populationsAfterChannel: after, remaining: n, darkCountsPerSecond: darkMeasured,
            heaterMaxDeciCelsius: channels.isEmpty ? Int16(clamping: Int(((profile.preheatKelvin - 273.15) * 10).rounded())) : heaterMax,
            channelMicroseconds: UInt32(clamping: Int((profile.channelSeconds * 1e6).rounded())), pmtOverrange: overrange)
    }
}
