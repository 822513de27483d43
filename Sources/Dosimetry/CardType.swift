/// What an element position of a card is for in the dose algorithm.
public enum ElementRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// Thin window (about 7 mg/cm²): follows Hp(0.07).
    case shallow
    /// About 1000 mg/cm² of tissue-equivalent plastic: follows Hp(10).
    case deep
    /// Behind an extra metal filter that tells low photon energies apart (Cu on the whole-body card).
    case filteredLight
    /// Behind a higher-Z filter that tells medium photon energies apart (Sn on the whole-body card).
    case filteredHeavy
    /// ⁶Li-enriched phosphor (TLD-600 type): thermal and albedo neutrons plus photons.
    case neutronSensitive
    /// ⁷Li-enriched phosphor (TLD-700 type) beside it: photons only; the difference is the neutron signal.
    case neutronInsensitive
}

/// A thermoluminescent phosphor of an element.
public enum Phosphor: String, Sendable, Hashable, Codable, CaseIterable {
    /// Natural-Li LiF:Mg,Ti (TLD-100 type).
    case lifMgTi = "LiF:Mg,Ti"
    /// LiF:Mg,Cu,P (TLD-100H / GR-200 type): ≈ 5 %/year fading, max read temperature ≈ 260 °C.
    case lifMgCuP = "LiF:Mg,Cu,P"
    /// ⁶LiF:Mg,Ti (TLD-600 type), neutron sensitive.
    case lithium6FluorideMgTi = "6LiF:Mg,Ti"
    /// ⁷LiF:Mg,Ti (TLD-700 type), neutron insensitive.
    case lithium7FluorideMgTi = "7LiF:Mg,Ti"
}

/// One layer of material in front of an element.
public struct FilterLayer: Sendable, Hashable, Codable {
    /// The material as the holder's drawing names it ("polyester", "ABS", "Al", "Cu", "PTFE").
    public var material: String
    public var massThicknessMilligramPerSquareCentimetre: Double
    public init(_ material: String, milligramPerSquareCentimetre: Double) {
        self.material = material
        self.massThicknessMilligramPerSquareCentimetre = milligramPerSquareCentimetre
    }
}

/// One element position of a card type: phosphor and the filter in front of it.
public struct ElementPosition: Sendable, Hashable, Codable {
    public var number: Int
    public var phosphor: Phosphor
    /// Layers in front of the phosphor, outermost first (holder and card cover).
    public var filters: [FilterLayer]
    /// Phosphor mass thickness (mg/cm²).
    public var phosphorMilligramPerSquareCentimetre: Double
    public var role: ElementRole

    public init(number: Int, phosphor: Phosphor, filters: [FilterLayer], phosphorMilligramPerSquareCentimetre: Double, role: ElementRole) {
        self.number = number
        self.phosphor = phosphor
        self.filters = filters
        self.phosphorMilligramPerSquareCentimetre = phosphorMilligramPerSquareCentimetre
        self.role = role
    }

    /// "ABS 1000 + Cu 450 mg/cm²".
    public var filter: String {
        filters.map { "\($0.material) \(Int($0.massThicknessMilligramPerSquareCentimetre.rounded()))" }.joined(separator: " + ") + " mg/cm²"
    }
    public var filterMassThicknessMilligramPerSquareCentimetre: Double {
        filters.reduce(0) { $0 + $1.massThicknessMilligramPerSquareCentimetre }
    }
}

/// A card and holder type as data (up to four elements).
public struct CardType: Sendable, Hashable, Codable {
    public var name: String
    public var elements: [ElementPosition]
    /// Period lengths the service offers for this type (../shared/DOMAIN.md, section 1).
    public var periods: [String]

    public init(name: String, elements: [ElementPosition], periods: [String]) throws(CardTypeError) {
        guard (1...4).contains(elements.count) else { throw .elementCount(elements.count) }
        guard Set(elements.map(\.number)).count == elements.count, elements.allSatisfy({ (1...4).contains($0.number) }) else {
            throw .elementNumbers
        }
        self.name = name
        self.elements = elements
        self.periods = periods
    }

    /// For the built-in types, whose data are checked by a test.
    private init(checked name: String, elements: [ElementPosition], periods: [String]) {
        self.name = name
        self.elements = elements
        self.periods = periods
    }

    public func position(for role: ElementRole) -> ElementPosition? { elements.first { $0.role == role } }

    /// The whole-body card: four LiF:Mg,Ti elements (docs/dose-algorithm.md; the simulator's
    /// CardGeometry is the same card, built independently from this description).
    public static let wholeBody = CardType(checked: "whole-body", elements: [
        ElementPosition(number: 1, phosphor: .lifMgTi, filters: [FilterLayer("polyester", milligramPerSquareCentimetre: 7)],
                        phosphorMilligramPerSquareCentimetre: 24, role: .shallow),
        ElementPosition(number: 2, phosphor: .lifMgTi, filters: [FilterLayer("ABS", milligramPerSquareCentimetre: 1000)],
                        phosphorMilligramPerSquareCentimetre: 100, role: .deep),
        ElementPosition(number: 3, phosphor: .lifMgTi, filters: [FilterLayer("ABS", milligramPerSquareCentimetre: 1000), FilterLayer("Cu", milligramPerSquareCentimetre: 450)],
                        phosphorMilligramPerSquareCentimetre: 100, role: .filteredLight),
        ElementPosition(number: 4, phosphor: .lifMgTi, filters: [FilterLayer("ABS", milligramPerSquareCentimetre: 1000), FilterLayer("Sn", milligramPerSquareCentimetre: 700)],
                        phosphorMilligramPerSquareCentimetre: 100, role: .filteredHeavy),
    ], periods: ["1 month", "3 months"])

    /// The finger (extremity) dosimeter: one thin element behind a thin window, worn under the glove;
    /// follows Hp(0.07) (extremity dose, IEC 62387 extremity dosemeters).
    public static let finger = CardType(checked: "finger", elements: [
        ElementPosition(number: 1, phosphor: .lifMgTi, filters: [FilterLayer("polyester", milligramPerSquareCentimetre: 7)],
                        phosphorMilligramPerSquareCentimetre: 24, role: .shallow),
    ], periods: ["2 weeks", "1 month"])

    /// The neutron card: ⁶LiF/⁷LiF pairs (TLD-600/TLD-700 type); the ⁶Li–⁷Li difference is the albedo
    /// neutron signal, the ⁷Li elements give the photon dose. (Neutron evaluation is not implemented.)
    public static let neutron = CardType(checked: "neutron", elements: [
        ElementPosition(number: 1, phosphor: .lithium7FluorideMgTi, filters: [FilterLayer("polyester", milligramPerSquareCentimetre: 7)],
                        phosphorMilligramPerSquareCentimetre: 100, role: .shallow),
        ElementPosition(number: 2, phosphor: .lithium7FluorideMgTi, filters: [FilterLayer("ABS", milligramPerSquareCentimetre: 1000)],
                        phosphorMilligramPerSquareCentimetre: 100, role: .neutronInsensitive),
        ElementPosition(number: 3, phosphor: .lithium6FluorideMgTi, filters: [FilterLayer("ABS", milligramPerSquareCentimetre: 1000)],
                        phosphorMilligramPerSquareCentimetre: 100, role: .neutronSensitive),
        ElementPosition(number: 4, phosphor: .lithium7FluorideMgTi, filters: [FilterLayer("ABS", milligramPerSquareCentimetre: 1000), FilterLayer("Cu", milligramPerSquareCentimetre: 450)],
                        phosphorMilligramPerSquareCentimetre: 100, role: .filteredHeavy),
    ], periods: ["1 month", "3 months"])

    /// The shoulder card: the whole-body element set in a holder worn on the shoulder (same
    /// evaluation as the whole-body card).
    public static let shoulder = CardType(checked: "shoulder", elements: wholeBody.elements, periods: ["1 month"])

    public static let all: [CardType] = [.wholeBody, .finger, .neutron, .shoulder]
}

public enum CardTypeError: Error, Sendable, Hashable, CustomStringConvertible {
    case elementCount(Int)
    case elementNumbers

    public var description: String {
        switch self {
        case let .elementCount(n): "a card holds 1 to 4 elements, not \(n)"
        case .elementNumbers: "element numbers must be distinct and between 1 and 4"
        }
    }
}
