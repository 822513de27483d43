import Foundation

/// The reader's quality check taken before (or during) a batch: the `readerQC` table.
///
/// The values are the reader's `QC` reply (firmware-protocol/PROTOCOL.md §5), in its units.
public struct ReaderQCRecord: Sendable, Hashable, Codable {
    public typealias ID = RecordID<ReaderQCRecord>

    /// Set by the store on insert.
    public var id: ID?
    public var batchID: ReadoutBatch.ID
    public var takenAt: Date
    /// PMT dark count rate with the shutter closed, counts per second.
    public var pmtDarkCountsPerSecond: UInt32
    /// Counts from the reader's built-in reference light source.
    public var referenceLightCounts: UInt32
    /// PMT high voltage, volts.
    public var highVoltageVolts: UInt16
    /// Heater temperature at the time of the check, tenths of °C.
    public var heaterDeciCelsius: Int16

    public init(
        id: ID? = nil, batchID: ReadoutBatch.ID, takenAt: Date, pmtDarkCountsPerSecond: UInt32,
        referenceLightCounts: UInt32, highVoltageVolts: UInt16, heaterDeciCelsius: Int16
    ) {
        self.id = id
        self.batchID = batchID
        self.takenAt = takenAt
        self.pmtDarkCountsPerSecond = pmtDarkCountsPerSecond
        self.referenceLightCounts = referenceLightCounts
        self.highVoltageVolts = highVoltageVolts
        self.heaterDeciCelsius = heaterDeciCelsius
    }
}
