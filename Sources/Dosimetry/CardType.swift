/// What an element position of a card is for in the dose algorithm.
public enum ElementRole: String, Sendable, Hashable, Codable {
    /// Thin window (about 7 mg/cm²): follows Hp(0.07).
    case shallow
    /// About 1000 mg/cm² of tissue-equivalent plastic: follows Hp(10).
    case deep
    /// Behind an extra metal filter: tells photon energies apart.
    case filteredLight
    case filteredHeavy
}

/// One element position of a card type: phosphor and the filter in front of it.
public struct ElementPosition: Sendable, Hashable, Codable {
    public var number: Int
    public var phosphor: String
    public var filter: String
    public var filterMassThicknessMilligramPerSquareCentimetre: Double
    public var role: ElementRole
    public init(number: Int, phosphor: String, filter: String, filterMassThicknessMilligramPerSquareCentimetre: Double, role: ElementRole) {
        self.number = number
        self.phosphor = phosphor
        self.filter = filter
        self.filterMassThicknessMilligramPerSquareCentimetre = filterMassThicknessMilligramPerSquareCentimetre
        self.role = role
    }
}

/// A card and holder type as data (up to four elements).
public struct CardType: Sendable, Hashable, Codable {
    public var name: String
    public var elements: [ElementPosition]
    public init(name: String, elements: [ElementPosition]) {
        self.name = name
        self.elements = elements
    }

    public func position(for role: ElementRole) -> ElementPosition? { elements.first { $0.role == role } }

    /// The whole-body card of the lab: four LiF:Mg,Ti elements (see docs/dose-algorithm.md).
    public static let wholeBody = CardType(name: "whole-body", elements: [
        ElementPosition(number: 1, phosphor: "LiF:Mg,Ti", filter: "polyester window", filterMassThicknessMilligramPerSquareCentimetre: 7, role: .shallow),
        ElementPosition(number: 2, phosphor: "LiF:Mg,Ti", filter: "ABS + PTFE", filterMassThicknessMilligramPerSquareCentimetre: 1000, role: .deep),
        ElementPosition(number: 3, phosphor: "LiF:Mg,Ti", filter: "ABS + Al", filterMassThicknessMilligramPerSquareCentimetre: 1000, role: .filteredLight),
        ElementPosition(number: 4, phosphor: "LiF:Mg,Ti", filter: "ABS + Cu", filterMassThicknessMilligramPerSquareCentimetre: 1000, role: .filteredHeavy),
    ])
}
