/// The measured input of one card: the net signal of each element position, or why there is none.
public struct CardSignals: Sendable, Hashable {
    public enum Element: Sendable, Hashable {
        case measured(NetSignal)
        /// The element's readout was cut off: its signal is gone.
        case lost(reason: String)
        /// No pellet in this position.
        case absent
    }
    public var cardID: String
    public var elements: [Int: Element]
    /// Days from the card's last anneal to this readout.
    public var daysFromAnneal: Days
    /// Element correction coefficients (relative sensitivity) by element number; missing = 1.
    public var elementCorrection: [Int: Double]
    /// Net signal of each measured element in the low-temperature window (peaks 2–3), for the thermal
    /// history (``ThermalHistoryModel``); empty = not measured, the 20 °C fading model stands.
    public var lowTemperature: [Int: NetSignal]
    public init(
        cardID: String, elements: [Int: Element], daysFromAnneal: Days, elementCorrection: [Int: Double] = [:],
        lowTemperature: [Int: NetSignal] = [:]
    ) {
        self.cardID = cardID
        self.elements = elements
        self.daysFromAnneal = daysFromAnneal
        self.elementCorrection = elementCorrection
        self.lowTemperature = lowTemperature
    }
}
