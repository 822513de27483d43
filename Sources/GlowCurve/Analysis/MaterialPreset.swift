/// What the analysis knows beforehand about a phosphor: its usual peaks and which one is dosimetric.
///
/// Peak temperatures are at about 1–2 K/s and shift with heating rate and reader, so they serve only
/// as extra starting hypotheses aligned on the curve's main maximum and to name the dosimetric peak;
/// the number of peaks is still chosen by the data.
/// Sources: LiF:Mg,Ti peaks 2–5 as imitated by the GLOCANIN synthetic curve (Bos et al., Radiat. Prot.
/// Dosim. 47 (1993) 473: E = 1.38/1.48/1.58/2.00 eV at 417/457/484/512 K); LiF:Mg,Cu,P main peak
/// E ≈ 2.0–2.4 eV near 480–500 K with low-temperature peaks near 350, 400 and 450 K
/// (McKeever, Moscovitch & Townsend, *Thermoluminescence Dosimetry Materials*, 1995, ch. 3).
public struct MaterialPreset: Sendable, Hashable {
    public struct Peak: Sendable, Hashable {
        public var name: String
        public var maximumTemperatureKelvin: Double
        public var activationEnergyElectronVolt: Double
        public init(name: String, maximumTemperatureKelvin: Double, activationEnergyElectronVolt: Double) {
            self.name = name
            self.maximumTemperatureKelvin = maximumTemperatureKelvin
            self.activationEnergyElectronVolt = activationEnergyElectronVolt
        }
    }

    public var name: String
    public var peaks: [Peak]
    /// Index into `peaks` of the dosimetric peak.
    public var dosimetricPeakIndex: Int
    /// Bounds for E in fits, eV.
    public var energyRangeElectronVolt: ClosedRange<Double>
    /// The peak model usually fitted for this material.
    public var preferredModel: PeakModel

    public init(name: String, peaks: [Peak], dosimetricPeakIndex: Int, energyRangeElectronVolt: ClosedRange<Double>, preferredModel: PeakModel) {
        self.name = name
        self.peaks = peaks
        self.dosimetricPeakIndex = dosimetricPeakIndex
        self.energyRangeElectronVolt = energyRangeElectronVolt
        self.preferredModel = preferredModel
    }

    public var dosimetricPeak: Peak? { peaks.indices.contains(dosimetricPeakIndex) ? peaks[dosimetricPeakIndex] : nil }

    /// LiF:Mg,Ti (TLD-100 type): peaks 2–5, peak 5 dosimetric.
    public static let lithiumFluorideMagnesiumTitanium = MaterialPreset(
        name: "LiF:Mg,Ti",
        peaks: [
            Peak(name: "2", maximumTemperatureKelvin: 417, activationEnergyElectronVolt: 1.38),
            Peak(name: "3", maximumTemperatureKelvin: 457, activationEnergyElectronVolt: 1.48),
            Peak(name: "4", maximumTemperatureKelvin: 484, activationEnergyElectronVolt: 1.58),
            Peak(name: "5", maximumTemperatureKelvin: 512, activationEnergyElectronVolt: 2.0),
        ],
        dosimetricPeakIndex: 3, energyRangeElectronVolt: 0.6...3.5, preferredModel: .firstOrder)

    /// LiF:Mg,Cu,P (MCP-N / GR-200 type): low-temperature peaks and the main dosimetric peak.
    public static let lithiumFluorideMagnesiumCopperPhosphorus = MaterialPreset(
        name: "LiF:Mg,Cu,P",
        peaks: [
            Peak(name: "2", maximumTemperatureKelvin: 400, activationEnergyElectronVolt: 1.2),
            Peak(name: "3", maximumTemperatureKelvin: 450, activationEnergyElectronVolt: 1.5),
            Peak(name: "4", maximumTemperatureKelvin: 490, activationEnergyElectronVolt: 2.2),
        ],
        dosimetricPeakIndex: 2, energyRangeElectronVolt: 0.6...3.5, preferredModel: .generalOrder)

    /// No prior knowledge: peaks purely from the data; the dosimetric peak is the largest one.
    public static let generic = MaterialPreset(
        name: "generic", peaks: [], dosimetricPeakIndex: 0, energyRangeElectronVolt: 0.5...3.5,
        preferredModel: .generalOrder)

    /// Presets by command-line name: `lif-mg-ti`, `lif-mg-cu-p`, `generic`.
    public init?(name: String) {
        switch name.lowercased() {
        case "lif-mg-ti", "lif:mg,ti", "tld-100", "tld100": self = .lithiumFluorideMagnesiumTitanium
        case "lif-mg-cu-p", "lif:mg,cu,p", "mcp", "gr-200", "tld-700h", "tld-100h": self = .lithiumFluorideMagnesiumCopperPhosphorus
        case "generic", "none": self = .generic
        default: return nil
        }
    }
}
