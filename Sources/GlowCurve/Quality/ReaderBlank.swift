/// What a blank element gives on this reader in this batch: the dark counts and the heater's glow
/// (incandescence) with their element-to-element scatter, measured on the batch's blank elements
/// (control dosimeters; every card of an anneal check). The incandescence and dark-count flags compare
/// an element with this blank, not with the element's own peak: a low-dose curve's tail is mostly the
/// reader's own glow, which is normal. Thresholds and false-alarm rates: docs/glow-flags.md.
///
/// Regions of a curve (reader curves: preheat, linear ramp, hold at the maximum):
/// - head: the first 10 % of the channels (at least 3), before any glow peak of an annealed element;
/// - tail: channels in the last quarter within 5 K of the curve's highest temperature (the hold).
/// Each element gives the mean dark-subtracted counts per channel of both regions; the blank keeps
/// their median and robust scatter (1.4826 × median absolute deviation) over the blank elements.
public struct ReaderBlank: Sendable, Hashable {
    public var headCountsPerChannel: Double
    public var headScatterCountsPerChannel: Double
    public var tailCountsPerChannel: Double
    public var tailScatterCountsPerChannel: Double
    /// How many blank elements it was measured on.
    public var elements: Int

    public init(headCountsPerChannel: Double, headScatterCountsPerChannel: Double, tailCountsPerChannel: Double,
                tailScatterCountsPerChannel: Double, elements: Int) {
        self.headCountsPerChannel = headCountsPerChannel
        self.headScatterCountsPerChannel = headScatterCountsPerChannel
        self.tailCountsPerChannel = tailCountsPerChannel
        self.tailScatterCountsPerChannel = tailScatterCountsPerChannel
        self.elements = elements
    }

    /// The blank of these elements' curves, each with its dark counts per channel (the PMT dark rate
    /// measured before heating × the channel time); nil for fewer than 3 elements.
    public init?(blanks: [(curve: GlowCurve, darkCountsPerChannel: Double)]) {
        guard blanks.count >= 3 else { return nil }
        let regions = blanks.map { Regions($0.curve, darkCountsPerChannel: $0.darkCountsPerChannel) }
        let heads = regions.map(\.headMean), tails = regions.map(\.tailMean)
        let head = Self.median(heads), tail = Self.median(tails)
        headCountsPerChannel = head
        tailCountsPerChannel = tail
        headScatterCountsPerChannel = 1.4826 * Self.median(heads.map { abs($0 - head) })
        tailScatterCountsPerChannel = 1.4826 * Self.median(tails.map { abs($0 - tail) })
        elements = blanks.count
    }

    static func median(_ x: [Double]) -> Double {
        let s = x.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
    }

    /// The head and tail means of one curve, dark counts subtracted.
    struct Regions {
        var headMean: Double
        var headChannels: Int
        var tailMean: Double
        var tailChannels: Int

        init(_ curve: GlowCurve, darkCountsPerChannel dark: Double) {
            let n = curve.channelCount
            let head = max(3, n / 10)
            var sum = 0.0
            for i in 0..<min(head, n) { sum += curve.counts[i] - dark }
            headChannels = min(head, n)
            headMean = headChannels > 0 ? sum / Double(headChannels) : 0
            let top = curve.temperatureKelvin.max() ?? 0
            var tailSum = 0.0, count = 0
            for i in (n * 3 / 4)..<n where curve.temperatureKelvin[i] >= top - 5 {
                tailSum += curve.counts[i] - dark
                count += 1
            }
            tailChannels = count
            tailMean = count > 0 ? tailSum / Double(count) : 0
        }
    }
}

/// The reader-relative limits (docs/glow-flags.md).
public struct ReaderBlankLimits: Sendable, Hashable {
    /// An excess over the blank must exceed this many standard deviations (the blank's scatter and
    /// the element's own counting noise combined).
    public var sigma = 5.0
    /// Incandescence: the tail's excess over the blank must also be at least this fraction of the
    /// curve's highest (dark-subtracted, smoothed) channel; a smaller excess cannot move the dose.
    public var incandescenceFractionOfMaximum = 0.02
    /// Dark counts: the head's excess must also be at least this many counts per channel and this
    /// fraction of the blank's own head level.
    public var darkExcessCountsPerChannel = 1.0
    public var darkExcessFractionOfBlank = 0.5

    public init() {}
}

extension GlowQuality {
    /// The flags that compare an element with the reader's blank: incandescence (the hold above the
    /// blank's) and dark counts (the head above the blank's).
    public static func readerRelativeFlags(
        _ curve: GlowCurve, darkCountsPerChannel dark: Double, blank: ReaderBlank, limits: ReaderBlankLimits = .init()
    ) -> [QualityFlag] {
        var flags: [QualityFlag] = []
        let r = ReaderBlank.Regions(curve, darkCountsPerChannel: dark)
        let features = CurveFeatures(curve, halfWindow: max(2, curve.channelCount / 100))
        let maximum = max((features.smoothed.max() ?? 0) - dark, 0)
        if r.tailChannels > 0 {
            let excess = r.tailMean - blank.tailCountsPerChannel
            let sigma = (blank.tailScatterCountsPerChannel * blank.tailScatterCountsPerChannel
                         + max(r.tailMean + dark, 1) / Double(r.tailChannels)).squareRoot()
            if excess > limits.sigma * sigma && excess >= limits.incandescenceFractionOfMaximum * maximum {
                flags.append(.incandescenceAboveBlank(excessCountsPerChannel: excess, blankCountsPerChannel: blank.tailCountsPerChannel))
            }
        }
        if r.headChannels > 0 {
            let excess = r.headMean - blank.headCountsPerChannel
            let sigma = (blank.headScatterCountsPerChannel * blank.headScatterCountsPerChannel
                         + max(r.headMean + dark, 1) / Double(r.headChannels)).squareRoot()
            if excess > limits.sigma * sigma && excess >= limits.darkExcessCountsPerChannel
                && excess >= limits.darkExcessFractionOfBlank * max(blank.headCountsPerChannel, 0) {
                flags.append(.darkCountsAboveBlank(excessCountsPerChannel: excess, blankCountsPerChannel: blank.headCountsPerChannel))
            }
        }
        return flags
    }
}
