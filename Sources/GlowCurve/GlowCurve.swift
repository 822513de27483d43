/// A glow curve: the light a TL element emits, counted per channel, while it is heated.
///
/// Temperatures are stored in kelvin; constructors that take °C say so in their label.
/// Channels are sorted by temperature on construction only where the caller asks for it
/// (``TemperatureOrderPolicy``): a curve is never silently reordered.
///
/// ```swift
/// let curve = try GlowCurve(counts: [1, 5, 3], temperatureKelvin: [300, 301, 302])
/// let net = curve.integral(over: RegionOfInterest(lowerKelvin: 300, upperKelvin: 302))
/// ```
public struct GlowCurve: Sendable, Hashable {
    /// Counts (or intensity, arbitrary units) per channel.
    public let counts: [Double]
    /// Temperature of each channel, kelvin, non-decreasing (after sorting, where the policy sorts).
    public let temperatureKelvin: [Double]
    /// Time of each channel since the start of heating, seconds, when known.
    public let timeSeconds: [Double]?

    /// - Throws: ``GlowCurveError`` when the arrays disagree in length, a value is not finite,
    ///   a temperature is below 0 K, or temperatures go backwards and `order` is `.reject`.
    public init(
        counts: [Double], temperatureKelvin: [Double], timeSeconds: [Double]? = nil,
        order: TemperatureOrderPolicy = .reject
    ) throws(GlowCurveError) {
        guard !counts.isEmpty else { throw .empty }
        guard counts.count == temperatureKelvin.count else {
            throw .lengthMismatch(counts: counts.count, temperatures: temperatureKelvin.count)
        }
        if let t = timeSeconds, t.count != counts.count {
            throw .lengthMismatch(counts: counts.count, temperatures: t.count)
        }
        for (i, c) in counts.enumerated() where !c.isFinite { throw .notFinite(channel: i) }
        for (i, t) in temperatureKelvin.enumerated() {
            guard t.isFinite else { throw .notFinite(channel: i) }
            guard t > 0 else { throw .temperatureBelowAbsoluteZero(channel: i, kelvin: t) }
        }
        var firstBackward: Int? = nil
        for i in 1..<max(1, temperatureKelvin.count) where temperatureKelvin[i] < temperatureKelvin[i - 1] {
            firstBackward = i
            break
        }
        if let i = firstBackward {
            switch order {
            case .reject:
                throw .temperatureNotMonotonic(channel: i, previousKelvin: temperatureKelvin[i - 1], kelvin: temperatureKelvin[i])
            case let .sortWithin(tolerance):
                // A step back larger than the tolerance is not measurement noise: refuse it. The
                // comparison is against the running maximum, so a slow drift back is caught too.
                var runningMaximum = temperatureKelvin[0]
                for j in 1..<temperatureKelvin.count {
                    if runningMaximum - temperatureKelvin[j] > tolerance {
                        throw .temperatureStepBackTooLarge(
                            channel: j, previousKelvin: runningMaximum, kelvin: temperatureKelvin[j], toleranceKelvin: tolerance)
                    }
                    runningMaximum = max(runningMaximum, temperatureKelvin[j])
                }
                fallthrough
            case .sort:
                let idx = temperatureKelvin.indices.sorted { (temperatureKelvin[$0], $0) < (temperatureKelvin[$1], $1) }
                self.counts = idx.map { counts[$0] }
                self.temperatureKelvin = idx.map { temperatureKelvin[$0] }
                self.timeSeconds = timeSeconds.map { t in idx.map { t[$0] } }
                return
            }
        }
        self.counts = counts
        self.temperatureKelvin = temperatureKelvin
        self.timeSeconds = timeSeconds
    }

    /// Builds a curve from temperatures in degrees Celsius.
    public init(
        counts: [Double], temperatureCelsius: [Double], timeSeconds: [Double]? = nil,
        order: TemperatureOrderPolicy = .reject
    ) throws(GlowCurveError) {
        try self.init(
            counts: counts, temperatureKelvin: temperatureCelsius.map { $0 + 273.15 },
            timeSeconds: timeSeconds, order: order)
    }

    public var channelCount: Int { counts.count }

    /// Sum of counts of the channels whose temperature lies in `roi` (both ends included).
    public func integral(over roi: RegionOfInterest) -> Double {
        var sum = 0.0
        for (c, t) in zip(counts, temperatureKelvin) where t >= roi.lowerKelvin && t <= roi.upperKelvin {
            sum += c
        }
        return sum
    }

    /// Number of channels whose temperature lies in `roi`.
    public func channelCount(in roi: RegionOfInterest) -> Int {
        temperatureKelvin.reduce(0) { $0 + (($1 >= roi.lowerKelvin && $1 <= roi.upperKelvin) ? 1 : 0) }
    }

    /// The curve less a constant dark-count level per channel (the PMT's dark counts during the read).
    public func subtractingDarkCounts(perChannel dark: Double) -> GlowCurve {
        // Lengths and values are already validated; only the counts change.
        GlowCurve(unchecked: counts.map { $0 - dark }, temperatureKelvin: temperatureKelvin, timeSeconds: timeSeconds)
    }

    /// Sum of all counts.
    public var total: Double { counts.reduce(0, +) }

    init(unchecked counts: [Double], temperatureKelvin: [Double], timeSeconds: [Double]?) {
        self.counts = counts
        self.temperatureKelvin = temperatureKelvin
        self.timeSeconds = timeSeconds
    }
}

/// What to do when a curve's temperatures step backwards.
public enum TemperatureOrderPolicy: Sendable, Hashable {
    /// Throw ``GlowCurveError/temperatureNotMonotonic(channel:previousKelvin:kelvin:)``.
    case reject
    /// Sort the channels by temperature (stable), keeping each count with its temperature.
    case sort
    /// Steps back of up to `toleranceKelvin` (below the highest temperature so far) are measurement
    /// noise of the heater's thermocouple: the channels are sorted as with ``sort``. A larger step
    /// back throws ``GlowCurveError/temperatureStepBackTooLarge(channel:previousKelvin:kelvin:toleranceKelvin:)``.
    case sortWithin(toleranceKelvin: Double)

    /// The tolerance used for measured reader curves: 1.5 K. The lab's reader (and its simulator,
    /// `ReaderPhysics.thermocoupleNoiseKelvin`) reads the heater with 0.2 K rms noise and stores
    /// 0.1 °C steps, so two successive readings on the hold differ by 0.3 K rms; 1.5 K is five of
    /// those, while a real fault (a heater that cools, a file with shuffled rows) steps back far more.
    public static let measuredNoise = TemperatureOrderPolicy.sortWithin(toleranceKelvin: 1.5)
}

/// A temperature window, kelvin, both ends included.
public struct RegionOfInterest: Sendable, Hashable {
    public var lowerKelvin: Double
    public var upperKelvin: Double
    public init(lowerKelvin: Double, upperKelvin: Double) {
        self.lowerKelvin = lowerKelvin
        self.upperKelvin = upperKelvin
    }
    public init(lowerCelsius: Double, upperCelsius: Double) {
        self.init(lowerKelvin: lowerCelsius + 273.15, upperKelvin: upperCelsius + 273.15)
    }
}

/// Why a glow curve could not be built. Each case says one thing.
public enum GlowCurveError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case lengthMismatch(counts: Int, temperatures: Int)
    case notFinite(channel: Int)
    case temperatureBelowAbsoluteZero(channel: Int, kelvin: Double)
    case temperatureNotMonotonic(channel: Int, previousKelvin: Double, kelvin: Double)
    case temperatureStepBackTooLarge(channel: Int, previousKelvin: Double, kelvin: Double, toleranceKelvin: Double)

    public var description: String {
        switch self {
        case .empty: "the glow curve has no channels"
        case let .lengthMismatch(c, t): "the glow curve has \(c) count values but \(t) temperatures"
        case let .notFinite(i): "channel \(i) holds a value that is not a finite number"
        case let .temperatureBelowAbsoluteZero(i, k): "channel \(i): temperature \(k) K is not above absolute zero"
        case let .temperatureNotMonotonic(i, p, k):
            "channel \(i): temperature goes backwards (\(p) K, then \(k) K); sort explicitly or fix the file"
        case let .temperatureStepBackTooLarge(i, p, k, tol):
            "channel \(i): temperature steps back from \(p) K to \(k) K, more than the \(tol) K of measurement noise allowed; sort explicitly or fix the file"
        }
    }
}
