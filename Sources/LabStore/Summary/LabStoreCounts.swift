/// A summary of what the store holds, for `tld status` and the end of a readout.
public struct LabStoreCounts: Sendable, Hashable {
    public var batches: Int
    public var openBatches: Int
    public var storedElements: Int
    public var lostElements: Int
    public var absentElements: Int
    /// Dose results, counting every version.
    public var doseVersions: Int
    /// Current (not superseded) dose results.
    public var currentDoses: Int
    /// Current dose results that are released.
    public var releasedDoses: Int
    public var calibrations: Int

    public init(
        batches: Int = 0, openBatches: Int = 0, storedElements: Int = 0, lostElements: Int = 0,
        absentElements: Int = 0, doseVersions: Int = 0, currentDoses: Int = 0, releasedDoses: Int = 0,
        calibrations: Int = 0
    ) {
        self.batches = batches
        self.openBatches = openBatches
        self.storedElements = storedElements
        self.lostElements = lostElements
        self.absentElements = absentElements
        self.doseVersions = doseVersions
        self.currentDoses = currentDoses
        self.releasedDoses = releasedDoses
        self.calibrations = calibrations
    }
}
