import Foundation

/// One record sent to the national dose registry, as the export log keeps it: which period of which
/// person (the look-up hash, never the ID), original or correction, and its content (without the ID),
/// so the next export sends only what is new or changed.
public struct RegistryLogRecord: Sendable, Hashable {
    public var id: Int64
    public var issueID: CardIssue.ID
    public var personLookup: Data
    public var kind: RegistryRecordKind
    public var correctsID: Int64?
    public var status: DoseRecordStatus
    public var hp10MilliSievert: Double?
    public var hp007MilliSievert: Double?
    /// The record's fields other than the person's identity, in one string: a change means a correction.
    public var content: String

    public init(id: Int64, issueID: CardIssue.ID, personLookup: Data, kind: RegistryRecordKind, correctsID: Int64?, status: DoseRecordStatus,
                hp10MilliSievert: Double?, hp007MilliSievert: Double?, content: String) {
        self.id = id
        self.issueID = issueID
        self.personLookup = personLookup
        self.kind = kind
        self.correctsID = correctsID
        self.status = status
        self.hp10MilliSievert = hp10MilliSievert
        self.hp007MilliSievert = hp007MilliSievert
        self.content = content
    }
}

/// One registry export: what went out when.
public struct RegistryExportEntry: Sendable, Hashable {
    public var id: Int64
    public var createdAt: Date
    public var from: CalendarDay
    public var to: CalendarDay
    public var fileName: String
    public var recordCount: Int
    public var sha256: String

    public init(id: Int64, createdAt: Date, from: CalendarDay, to: CalendarDay, fileName: String, recordCount: Int, sha256: String) {
        self.id = id
        self.createdAt = createdAt
        self.from = from
        self.to = to
        self.fileName = fileName
        self.recordCount = recordCount
        self.sha256 = sha256
    }
}

/// The store side of the registry export (docs/registry-export.md): whose periods end in a range, the
/// last record sent for each period and person, and the export log.
public protocol RegistryExportStore: DoseRecordStore {
    /// The look-up hashes of the people who wore a card whose period ends between `from` and `to`.
    func personLookups(periodEndFrom from: CalendarDay, to: CalendarDay) throws(LabStoreError) -> [Data]
    /// Every period whose card period ends between `from` and `to`, as it stands on the record of the
    /// person who wore the card (``DoseRecordStore/doseRecord(nationalIDLookup:)`` gives the same
    /// period), with that person's wearer row; a card handed over to someone known by name only is on
    /// no one's record here. One set query for the whole range (the export of 100 000 records).
    func registryPeriods(periodEndFrom from: CalendarDay, to: CalendarDay) throws(LabStoreError) -> [RegistryPeriod]
    /// The records of one export, by number.
    func registryRecords(exportID: Int64) throws(LabStoreError) -> [RegistryLogRecord]
    /// For each of these records that a later record corrects: the correction's number.
    func registryCorrections(of ids: [Int64]) throws(LabStoreError) -> [Int64: Int64]
    /// The latest record sent for each (issue, person) whose period ends between `from` and `to`.
    func latestRegistryRecords(periodEndFrom from: CalendarDay, to: CalendarDay) throws(LabStoreError) -> [RegistryLogRecord]
    /// Records an export in one transaction. `write` gets the export's number and the first record
    /// number, writes the file (durably) and returns the records it wrote (numbered from the first on)
    /// and the file's SHA-256; an error in `write` leaves the log as it was.
    func recordRegistryExport(
        from: CalendarDay, to: CalendarDay, fileName: String,
        write: (_ exportID: Int64, _ firstRecordID: Int64) throws -> (records: [RegistryLogRecord], sha256: String)
    ) throws -> RegistryExportEntry
    /// Every export, oldest first.
    func registryExports() throws(LabStoreError) -> [RegistryExportEntry]
}
