import RealModule

/// Smoothing and derivatives of a glow curve, and the peak candidates found from them.
///
/// Smoothing: Savitzky & Golay, Anal. Chem. 36 (1964) 1627, quadratic/cubic convolution weights
/// cⱼ = 3(3h² + 3h − 1 − 5j²) / ((2h − 1)(2h + 1)(2h + 3)) for a window of 2h + 1 channels (the
/// window shrinks at the ends). Derivatives: central differences on the (possibly uneven) temperature
/// grid of the smoothed curve, the second derivative from the smoothed first derivative.
public struct CurveFeatures: Sendable, Hashable {
    /// Temperatures, kelvin.
    public let temperatureKelvin: [Double]
    /// Smoothed counts.
    public let smoothed: [Double]
    /// d(smoothed)/dT, counts per kelvin.
    public let firstDerivative: [Double]
    /// d²(smoothed)/dT², counts per kelvin².
    public let secondDerivative: [Double]
    /// Robust estimate of the channel-to-channel noise (1.4826 × median |y − smoothed|).
    public let noiseCounts: Double
    /// The half-window h used for smoothing, channels.
    public let halfWindow: Int
    /// Local noise per channel: √(π/2) × the moving mean of |y − smoothed| over ±10 channels
    /// (for Gaussian noise E|x| = σ√(2/π)), never below ``noiseCounts``. Counting noise grows with
    /// the signal, so a single level would call noise on a tall peak a structure.
    public let localNoiseCounts: [Double]

    /// - Parameter halfWindow: the smoothing half-window in channels; nil chooses about 1.5 % of the channels (at least 2).
    public init(_ curve: GlowCurve, halfWindow requestedHalfWindow: Int? = nil) {
        let n = curve.channelCount
        // At most 50 channels either side: the smoothing costs O(n·h), and wider windows only matter
        // for curves of more than 3 300 channels, which are finer than any reader's.
        let h = max(1, min(requestedHalfWindow ?? min(50, max(2, Int((Double(n) * 0.015).rounded()))), max(1, (n - 1) / 2)))
        halfWindow = h
        temperatureKelvin = curve.temperatureKelvin
        let s = Self.savitzkyGolay(curve.counts, halfWindow: h)
        smoothed = s
        let d1 = Self.derivative(s, curve.temperatureKelvin)
        firstDerivative = d1
        secondDerivative = Self.derivative(Self.savitzkyGolay(d1, halfWindow: h), curve.temperatureKelvin)
        let absDev = zip(curve.counts, s).map { abs($0 - $1) }
        var dev = absDev
        dev.sort()
        let globalNoise = dev.isEmpty ? 0 : 1.4826 * dev[dev.count / 2]
        noiseCounts = globalNoise
        var local = [Double](repeating: globalNoise, count: n)
        if n > 0 {
            var prefix = [Double](repeating: 0, count: n + 1)
            for i in 0..<n { prefix[i + 1] = prefix[i] + absDev[i] }
            for i in 0..<n {
                let a = max(0, i - 10), b = min(n - 1, i + 10)
                let mean = (prefix[b + 1] - prefix[a]) / Double(b - a + 1)
                local[i] = max(globalNoise, 1.2533 * mean)
            }
        }
        localNoiseCounts = local
    }

    static func savitzkyGolay(_ y: [Double], halfWindow h0: Int) -> [Double] {
        let n = y.count
        guard n > 2 else { return y }
        var out = y
        for i in 0..<n {
            let h = min(h0, i, n - 1 - i)
            if h < 1 { continue }
            let hd = Double(h)
            let norm = (2 * hd - 1) * (2 * hd + 1) * (2 * hd + 3)
            var s = 0.0
            for j in -h...h {
                let jd = Double(j)
                s += 3 * (3 * hd * hd + 3 * hd - 1 - 5 * jd * jd) / norm * y[i + j]
            }
            out[i] = s
        }
        return out
    }

    static func derivative(_ y: [Double], _ t: [Double]) -> [Double] {
        let n = y.count
        guard n > 1 else { return [Double](repeating: 0, count: n) }
        var d = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let a = max(0, i - 1), b = min(n - 1, i + 1)
            let dt = t[b] - t[a]
            d[i] = dt > 0 ? (y[b] - y[a]) / dt : 0
        }
        return d
    }

    /// A place where a peak probably is.
    public struct Candidate: Sendable, Hashable {
        public var temperatureKelvin: Double
        public var heightCounts: Double
        /// True for a local maximum, false for a shoulder (a minimum of the second derivative).
        public var isMaximum: Bool
        /// Activation energy estimated from the local curvature, eV (first-order shape:
        /// d²ln I/dT² ≈ −(E/kTm²)² at the maximum, Kitis et al. 1998 expanded to second order).
        public var energyEstimateElectronVolt: Double
    }

    /// Local maxima of the smoothed curve, then shoulders (negative minima of the second derivative)
    /// that are at least `minimumSeparationKelvin` from every maximum.
    /// - Parameter relativeThreshold: a candidate must be at least this fraction of the highest point
    ///   and stand 3 noise levels above zero.
    public func candidates(relativeThreshold: Double = 0.01, minimumSeparationKelvin: Double? = nil) -> [Candidate] {
        let n = smoothed.count
        guard n >= 5 else { return [] }
        let top = smoothed.max() ?? 0
        guard top > 0 else { return [] }
        let floor = max(relativeThreshold * top, 3 * noiseCounts)
        var found: [Candidate] = []
        // Maxima with a prominence of 3 noise levels (or 2 % of the top).
        let prominenceNeeded = max(3 * noiseCounts, 0.02 * top)
        for i in 1..<(n - 1) where smoothed[i] >= smoothed[i - 1] && smoothed[i] > smoothed[i + 1] && smoothed[i] > floor {
            // Edge maxima (curve still rising at the end) are not peaks.
            if i < 2 || i > n - 3 { continue }
            // Each walk stops as soon as its side has dropped by the prominence needed, so a noisy
            // flank with many small maxima costs O(width), not O(channels), per maximum.
            var leftMin = smoothed[i], rightMin = smoothed[i]
            var j = i
            while j > 0 && smoothed[j - 1] <= smoothed[i] && smoothed[i] - leftMin < prominenceNeeded { j -= 1; leftMin = min(leftMin, smoothed[j]) }
            j = i
            while j < n - 1 && smoothed[j + 1] <= smoothed[i] && smoothed[i] - rightMin < prominenceNeeded { j += 1; rightMin = min(rightMin, smoothed[j]) }
            let prominence = smoothed[i] - max(leftMin, rightMin)
            guard prominence >= prominenceNeeded else { continue }
            found.append(Candidate(
                temperatureKelvin: temperatureKelvin[i], heightCounts: smoothed[i], isMaximum: true,
                energyEstimateElectronVolt: energyEstimate(at: i)))
        }
        // Typical width: half-width of the highest maximum, to set the minimum separation.
        let separation = minimumSeparationKelvin ?? max(3, 0.3 * fullWidthAtHalfMaximum(atChannel: smoothed.indices.max { smoothed[$0] < smoothed[$1] } ?? 0))
        let curvatureScale = secondDerivative.map { -$0 }.max() ?? 0
        for i in 2..<(n - 2) {
            let c = secondDerivative[i]
            guard c < 0, c <= secondDerivative[i - 1], c < secondDerivative[i + 1] else { continue }
            guard -c > 0.03 * curvatureScale, smoothed[i] > floor else { continue }
            let t = temperatureKelvin[i]
            if found.contains(where: { abs($0.temperatureKelvin - t) < separation }) { continue }
            found.append(Candidate(
                temperatureKelvin: t, heightCounts: smoothed[i], isMaximum: false,
                energyEstimateElectronVolt: .nan))
        }
        found.sort { $0.temperatureKelvin < $1.temperatureKelvin }
        return found
    }

    /// E from the curvature of ln I at channel i: E ≈ kTm²·√(−I″/I).
    func energyEstimate(at i: Int) -> Double {
        let y = smoothed[i], c = secondDerivative[i]
        guard y > 0, c < 0 else { return .nan }
        let t = temperatureKelvin[i]
        return boltzmannElectronVoltPerKelvin * t * t * (-c / y).squareRoot()
    }

    /// Full width at half maximum around channel i, kelvin (to the nearest channel).
    public func fullWidthAtHalfMaximum(atChannel i: Int) -> Double {
        let half = smoothed[i] / 2
        var lo = i, hi = i
        while lo > 0 && smoothed[lo] > half { lo -= 1 }
        while hi < smoothed.count - 1 && smoothed[hi] > half { hi += 1 }
        return temperatureKelvin[hi] - temperatureKelvin[lo]
    }
}
