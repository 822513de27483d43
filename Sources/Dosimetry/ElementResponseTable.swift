/// How the elements of a card read in known reference fields: for each field, the mean reading of
/// each element in units of its S-Cs calibration, per unit of the field's stated dose (Hp(10, α) for
/// photons, Hp(0.07, α) for beta), and Hp(0.07)/Hp(10) of the photon field. The dose algorithm finds
/// the field whose pattern matches a card's readings (docs/dose-algorithm.md, section 6).
///
/// This is the characterization a dosimetry service makes once per card and holder type, by
/// irradiating cards in reference fields at a calibration laboratory; it is data of the card type,
/// not of the algorithm.
public struct ElementResponseTable: Sendable, Hashable, Codable {
    public struct Row: Sendable, Hashable, Codable {
        public var field: String
        public var angleDegrees: Double
        public var beta: Bool
        /// Mean energy of the field (photons: fluence-weighted, ISO 4037-1), keV.
        public var meanEnergyKiloElectronVolt: Double
        /// Readings of E1…E4 per unit stated dose, in element-number order.
        public var response: [Double]
        /// Hp(0.07, α)/Hp(10, α) of the photon field (1 for beta rows, unused).
        public var hp007PerHp10: Double

        public init(field: String, angleDegrees: Double, beta: Bool, meanEnergyKiloElectronVolt: Double, response: [Double], hp007PerHp10: Double) {
            self.field = field
            self.angleDegrees = angleDegrees
            self.beta = beta
            self.meanEnergyKiloElectronVolt = meanEnergyKiloElectronVolt
            self.response = response
            self.hp007PerHp10 = hp007PerHp10
        }
    }

    public var rows: [Row]
    /// Where the numbers come from.
    public var source: String

    public init(rows: [Row], source: String) {
        self.rows = rows
        self.source = source
    }

    /// The photon patterns the fit searches: for each angle, the rows in order of energy and
    /// `steps` linear interpolations between neighbours.
    func photonGrid(steps: Int = 8) -> [Row] {
        let angles = Set(rows.filter { !$0.beta }.map(\.angleDegrees)).sorted()
        var grid: [Row] = []
        for angle in angles {
            let chain = rows.filter { !$0.beta && $0.angleDegrees == angle }.sorted { $0.meanEnergyKiloElectronVolt < $1.meanEnergyKiloElectronVolt }
            for (a, b) in zip(chain, chain.dropFirst()) {
                for s in 0..<steps {
                    let t = Double(s) / Double(steps)
                    grid.append(Row(
                        field: t == 0 ? a.field : "\(a.field)–\(b.field)", angleDegrees: angle, beta: false,
                        meanEnergyKiloElectronVolt: a.meanEnergyKiloElectronVolt + t * (b.meanEnergyKiloElectronVolt - a.meanEnergyKiloElectronVolt),
                        response: zip(a.response, b.response).map { $0 + t * ($1 - $0) },
                        hp007PerHp10: a.hp007PerHp10 + t * (b.hp007PerHp10 - a.hp007PerHp10)))
                }
            }
            if let last = chain.last { grid.append(last) }
        }
        return grid
    }

    /// E1 reading per unit Hp(0.07) assumed for an unidentified beta field: the geometric mean of the
    /// lowest and highest beta response (1 without beta rows). The card has no intermediate filter to
    /// tell beta energies apart, so this centres the ratio errors of the extreme fields (⁸⁵Kr at 60°,
    /// ⁹⁰Sr/⁹⁰Y at 0°) symmetrically: each is off by the same factor √(max/min).
    var shallowBetaResponse: Double {
        let r = rows.filter(\.beta).compactMap(\.response.first)
        guard let lo = r.min(), let hi = r.max(), lo > 0 else { return 1 }
        return (lo * hi).squareRoot()
    }

    /// The lab's whole-body card (``CardType/wholeBody``), characterized with `tld typetest
    /// --characterize --doses 10 --cards-per-point 10 --seed 57` (10 cards per field at 10 mSv, 30
    /// days after anneal, S-Cs calibration dosimeters at 2 mSv, background from 3 controls), on the
    /// simulated facility and reader of this repository (simulators/README.md: element response from
    /// the Elam/xraydb cross sections, ISO 4037 spectra and conversion coefficients; characterized again
    /// on 2026-11-23 after the coefficients were checked, docs/reference-fields.md). A service with
    /// real cards replaces these numbers with its own characterization. The blind type test uses other
    /// cards (seed 4037).
    public static let wholeBodyCharacterized = ElementResponseTable(rows: [
        Row(field: "N-40", angleDegrees: 0, beta: false, meanEnergyKiloElectronVolt: 33, response: [1.28406, 1.27819, 0.04071, 0.00025], hp007PerHp10: 1.12821),
        Row(field: "N-40", angleDegrees: 60, beta: false, meanEnergyKiloElectronVolt: 33, response: [1.76635, 1.62730, 0.00372, 0.00022], hp007PerHp10: 1.49412),
        Row(field: "W-60", angleDegrees: 0, beta: false, meanEnergyKiloElectronVolt: 45, response: [0.92819, 0.93149, 0.18891, 0.00140], hp007PerHp10: 0.95513),
        Row(field: "W-60", angleDegrees: 60, beta: false, meanEnergyKiloElectronVolt: 45, response: [1.20505, 1.17045, 0.07901, 0.00002], hp007PerHp10: 1.15000),
        Row(field: "N-60", angleDegrees: 0, beta: false, meanEnergyKiloElectronVolt: 48, response: [0.85133, 0.88801, 0.24483, 0.00158], hp007PerHp10: 0.95758),
        Row(field: "N-60", angleDegrees: 60, beta: false, meanEnergyKiloElectronVolt: 48, response: [1.13674, 1.11190, 0.10884, 0.00020], hp007PerHp10: 1.16800),
        Row(field: "W-80", angleDegrees: 0, beta: false, meanEnergyKiloElectronVolt: 57, response: [0.80474, 0.80577, 0.33220, 0.01732], hp007PerHp10: 0.94220),
        Row(field: "W-80", angleDegrees: 60, beta: false, meanEnergyKiloElectronVolt: 57, response: [1.01052, 1.01526, 0.22387, 0.00183], hp007PerHp10: 1.11111),
        Row(field: "N-80", angleDegrees: 0, beta: false, meanEnergyKiloElectronVolt: 65, response: [0.71262, 0.71577, 0.43585, 0.03104], hp007PerHp10: 0.92021),
        Row(field: "N-80", angleDegrees: 60, beta: false, meanEnergyKiloElectronVolt: 65, response: [0.86737, 0.89178, 0.32275, 0.00316], hp007PerHp10: 1.07383),
        Row(field: "N-100", angleDegrees: 0, beta: false, meanEnergyKiloElectronVolt: 83, response: [0.66743, 0.68100, 0.53658, 0.12531], hp007PerHp10: 0.91489),
        Row(field: "N-100", angleDegrees: 60, beta: false, meanEnergyKiloElectronVolt: 83, response: [0.81768, 0.80972, 0.50302, 0.03429], hp007PerHp10: 1.05229),
        Row(field: "N-120", angleDegrees: 0, beta: false, meanEnergyKiloElectronVolt: 100, response: [0.67952, 0.68519, 0.60203, 0.24709], hp007PerHp10: 0.92265),
        Row(field: "N-120", angleDegrees: 60, beta: false, meanEnergyKiloElectronVolt: 100, response: [0.81755, 0.82152, 0.61458, 0.11472], hp007PerHp10: 1.08725),
        Row(field: "N-150", angleDegrees: 0, beta: false, meanEnergyKiloElectronVolt: 118, response: [0.69787, 0.71591, 0.64247, 0.38249], hp007PerHp10: 0.93064),
        Row(field: "N-150", angleDegrees: 60, beta: false, meanEnergyKiloElectronVolt: 118, response: [0.83502, 0.83306, 0.69914, 0.24599], hp007PerHp10: 1.08333),
        Row(field: "S-Cs", angleDegrees: 0, beta: false, meanEnergyKiloElectronVolt: 662, response: [0.95822, 0.99302, 0.99369, 0.96734], hp007PerHp10: 1.00000),
        Row(field: "S-Cs", angleDegrees: 60, beta: false, meanEnergyKiloElectronVolt: 662, response: [0.98564, 0.97267, 0.93219, 0.93222], hp007PerHp10: 1.05882),
        Row(field: "S-Co", angleDegrees: 0, beta: false, meanEnergyKiloElectronVolt: 1250, response: [1.01042, 1.03636, 1.02794, 1.01641], hp007PerHp10: 1.00870),
        Row(field: "S-Co", angleDegrees: 60, beta: false, meanEnergyKiloElectronVolt: 1250, response: [1.02083, 1.00946, 0.98028, 0.95079], hp007PerHp10: 1.04348),
        Row(field: "Kr-85", angleDegrees: 0, beta: true, meanEnergyKiloElectronVolt: 250, response: [0.93243, 0.00007, 0.00013, 0.00019], hp007PerHp10: 1),
        Row(field: "Kr-85", angleDegrees: 60, beta: true, meanEnergyKiloElectronVolt: 250, response: [0.70795, 0.00001, 0.00005, 0.00005], hp007PerHp10: 1),
        Row(field: "Sr-90/Y-90", angleDegrees: 0, beta: true, meanEnergyKiloElectronVolt: 800, response: [1.06287, 0.00093, 0.00021, 0.00012], hp007PerHp10: 1),
        Row(field: "Sr-90/Y-90", angleDegrees: 60, beta: true, meanEnergyKiloElectronVolt: 800, response: [0.92429, 0.00013, 0.00014, 0.00019], hp007PerHp10: 1),
    ], source: "characterization: tld typetest --characterize --doses 10 --cards-per-point 10 --seed 57 (simulated facility)")
}
