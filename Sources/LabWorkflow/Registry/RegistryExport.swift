import Foundation
import LabStore

/// The registry export (docs/registry-export.md): one record per person and period whose period
/// ends between `from` and `to` and whose result is final — measured, below the detection limit,
/// assigned, no valid result, or not returned three months after the period (the compensation
/// deadline, when the lab takes the card as lost). A record already sent is not sent again; one whose
/// content changed is sent as a correction pointing to the record it replaces.
public struct RegistryExport: Sendable {
    let store: any RegistryExportStore
    let protector: NationalIDProtector

    public init(store: any RegistryExportStore, protector: NationalIDProtector) {
        self.store = store
        self.protector = protector
    }

    /// A record to send, before it has its number.
    struct Pending: Hashable {
        var period: DoseRecordPeriod
        var lookup: Data
        var corrects: Int64?
        var content: String
        var status: RegistryFile.Status
    }

    /// The content the log compares: every field of the record but the person's identity.
    static func content(_ p: DoseRecordPeriod, customer: String) -> String {
        [p.status.rawValue, RegistryFile.mSv(p.hp10MilliSievert), RegistryFile.mSv(p.hp007MilliSievert),
         RegistryFile.mSv(p.detectionLimitMilliSievert), customer, p.periodStart.description, p.periodEnd.description,
         p.dosimeterType.rawValue, p.assignment?.method.rawValue ?? ""].joined(separator: "|")
    }

    /// The periods that go out: final, not sent yet or changed since (one set query for the range,
    /// ``RegistryExportStore/registryPeriods(periodEndFrom:to:)``), by period end, customer, issue.
    func pending(from: CalendarDay, to: CalendarDay, on day: CalendarDay) throws -> (pending: [Pending], wearers: [Wearer.ID: Wearer]) {
        var latest: [String: RegistryLogRecord] = [:]
        func key(_ issue: CardIssue.ID, _ lookup: Data) -> String { "\(issue.rawValue):" + lookup.base64EncodedString() }
        for r in try store.latestRegistryRecords(periodEndFrom: from, to: to) { latest[key(r.issueID, r.personLookup)] = r }
        var out: [Pending] = []
        var wearers: [Wearer.ID: Wearer] = [:]
        for item in try store.registryPeriods(periodEndFrom: from, to: to) {
            let p = item.period
            guard let status = Self.finalStatus(p, on: day) else { continue }
            let content = Self.content(p, customer: p.customerID)
            let last = latest[key(p.issueID, item.personLookup)]
            if let last, last.content == content { continue }
            out.append(Pending(period: p, lookup: item.personLookup, corrects: last?.id, content: content, status: status))
            wearers[p.wearerID] = item.wearer
        }
        return (Self.ordered(out), wearers)
    }

    /// The registry status of a period that goes out on `day`; nil while it is not final (pending, not
    /// returned within the compensation deadline) or not this person's (handed over).
    static func finalStatus(_ p: DoseRecordPeriod, on day: CalendarDay) -> RegistryFile.Status? {
        guard let status = RegistryFile.Status(p.status) else { return nil }
        if p.status == .notReturned && day <= ReturnDeadlines.compensationDue(periodEnd: p.periodEnd) { return nil }
        return status
    }

    static func ordered(_ pending: [Pending]) -> [Pending] {
        pending.sorted { ($0.period.periodEnd, $0.period.customerID, $0.period.issueID) < ($1.period.periodEnd, $1.period.customerID, $1.period.issueID) }
    }

    /// The file's record of a period of `wearer` (whose full national ID is `nationalID`).
    static func record(_ p: DoseRecordPeriod, id: Int64, corrects: Int64?, status: RegistryFile.Status, wearer: Wearer,
                       nationalID: String, companyID: String) -> RegistryFile.Record {
        // Below the detection limit the registry gets 0 and the limit (docs/dose-records.md).
        RegistryFile.Record(
            recordID: id, corrects: corrects, nationalID: nationalID, name: wearer.name,
            birthDate: wearer.birthDate ?? NationalIDBirthDate.birthDate(cprDigits: nationalID),
            customer: p.customerID, companyID: companyID, periodStart: p.periodStart,
            periodEnd: p.periodEnd, dosimeterType: p.dosimeterType, hp10MilliSievert: p.hp10MilliSievert.map { _ in p.countedHp10MilliSievert },
            hp007MilliSievert: p.hp007MilliSievert.map { _ in p.countedHp007MilliSievert }, detectionLimitMilliSievert: p.detectionLimitMilliSievert,
            status: status, assignedMethod: p.assignment?.method.rawValue ?? "")
    }

    public struct Outcome: Sendable {
        public var entry: RegistryExportEntry
        public var originals: Int
        public var corrections: Int
    }

    /// Writes the file with `write` (given its text; it writes durably and fails when the file exists)
    /// and records the export; nil when there is nothing to send (no file, no log entry).
    public func run(from: CalendarDay, to: CalendarDay, on day: CalendarDay, createdAt: String, fileName: String,
                    write: (Data) throws -> Void) throws -> Outcome? {
        let (pending, wearers) = try pending(from: from, to: to, on: day)
        guard !pending.isEmpty else { return nil }
        var nationalIDs: [Wearer.ID: String] = [:]
        var companies: [String: String] = [:]
        for p in pending where nationalIDs[p.period.wearerID] == nil {
            guard let w = wearers[p.period.wearerID] else { continue }
            nationalIDs[p.period.wearerID] = try protector.reveal(w.protectedID)
        }
        for p in pending where companies[p.period.customerID] == nil {
            companies[p.period.customerID] = try store.customer(id: p.period.customerID)?.companyID ?? ""
        }
        let entry = try store.recordRegistryExport(from: from, to: to, fileName: fileName) { exportID, first in
            var records: [RegistryFile.Record] = []
            var log: [RegistryLogRecord] = []
            records.reserveCapacity(pending.count)
            log.reserveCapacity(pending.count)
            for (n, p) in pending.enumerated() {
                let id = first + Int64(n)
                guard let wearer = wearers[p.period.wearerID], let nationalID = nationalIDs[p.period.wearerID] else {
                    throw LabStoreError.invalidRecord("wearer \(p.period.wearerID.rawValue) of a registry record is missing")
                }
                let record = Self.record(p.period, id: id, corrects: p.corrects, status: p.status, wearer: wearer, nationalID: nationalID,
                                         companyID: companies[p.period.customerID] ?? "")
                records.append(record)
                log.append(RegistryLogRecord(
                    id: id, issueID: p.period.issueID, personLookup: p.lookup, kind: p.corrects == nil ? .original : .correction,
                    correctsID: p.corrects, status: p.period.status, hp10MilliSievert: record.hp10MilliSievert,
                    hp007MilliSievert: record.hp007MilliSievert, content: p.content))
            }
            let data = Data(RegistryFile.render(header: .init(exportNumber: exportID, createdAt: createdAt, from: from, to: to), records: records).utf8)
            try write(data)
            return (log, SHA256Digest.hex(data))
        }
        let corrections = pending.filter { $0.corrects != nil }.count
        return Outcome(entry: entry, originals: pending.count - corrections, corrections: corrections)
    }
}
