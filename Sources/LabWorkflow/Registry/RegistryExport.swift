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
    struct Pending {
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

    func pending(from: CalendarDay, to: CalendarDay, on day: CalendarDay) throws -> [Pending] {
        var latest: [String: RegistryLogRecord] = [:]
        func key(_ issue: CardIssue.ID, _ lookup: Data) -> String { "\(issue.rawValue):" + lookup.base64EncodedString() }
        for r in try store.latestRegistryRecords(periodEndFrom: from, to: to) { latest[key(r.issueID, r.personLookup)] = r }
        var out: [Pending] = []
        for lookup in try store.personLookups(periodEndFrom: from, to: to) {
            for p in try store.doseRecord(nationalIDLookup: lookup) where p.periodEnd >= from && p.periodEnd <= to {
                guard let status = RegistryFile.Status(p.status) else { continue }
                if p.status == .notReturned && day <= ReturnDeadlines.compensationDue(periodEnd: p.periodEnd) { continue }
                let content = Self.content(p, customer: p.customerID)
                let last = latest[key(p.issueID, lookup)]
                if let last, last.content == content { continue }
                out.append(Pending(period: p, lookup: lookup, corrects: last?.id, content: content, status: status))
            }
        }
        return out.sorted { ($0.period.periodEnd, $0.period.customerID, $0.period.issueID) < ($1.period.periodEnd, $1.period.customerID, $1.period.issueID) }
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
        let pending = try pending(from: from, to: to, on: day)
        guard !pending.isEmpty else { return nil }
        var people: [Wearer.ID: (Wearer, String)] = [:]
        var companies: [String: String] = [:]
        for p in pending where people[p.period.wearerID] == nil {
            guard let w = try store.wearer(id: p.period.wearerID) else { continue }
            people[p.period.wearerID] = (w, try protector.reveal(w.protectedID))
        }
        for p in pending where companies[p.period.customerID] == nil {
            companies[p.period.customerID] = try store.customer(id: p.period.customerID)?.companyID ?? ""
        }
        let entry = try store.recordRegistryExport(from: from, to: to, fileName: fileName) { exportID, first in
            var records: [RegistryFile.Record] = []
            var log: [RegistryLogRecord] = []
            for (n, p) in pending.enumerated() {
                let id = first + Int64(n)
                guard let (wearer, nationalID) = people[p.period.wearerID] else {
                    throw LabStoreError.invalidRecord("wearer \(p.period.wearerID.rawValue) of a registry record is missing")
                }
                // Below the detection limit the registry gets 0 and the limit (docs/dose-records.md).
                let hp10 = p.period.hp10MilliSievert.map { _ in p.period.countedHp10MilliSievert }
                let hp007 = p.period.hp007MilliSievert.map { _ in p.period.countedHp007MilliSievert }
                records.append(RegistryFile.Record(
                    recordID: id, corrects: p.corrects, nationalID: nationalID, name: wearer.name,
                    birthDate: wearer.birthDate ?? NationalIDBirthDate.birthDate(cprDigits: nationalID),
                    customer: p.period.customerID, companyID: companies[p.period.customerID] ?? "", periodStart: p.period.periodStart,
                    periodEnd: p.period.periodEnd, dosimeterType: p.period.dosimeterType, hp10MilliSievert: hp10,
                    hp007MilliSievert: hp007, detectionLimitMilliSievert: p.period.detectionLimitMilliSievert,
                    status: p.status, assignedMethod: p.period.assignment?.method.rawValue ?? ""))
                log.append(RegistryLogRecord(
                    id: id, issueID: p.period.issueID, personLookup: p.lookup, kind: p.corrects == nil ? .original : .correction,
                    correctsID: p.corrects, status: p.period.status, hp10MilliSievert: hp10,
                    hp007MilliSievert: hp007, content: p.content))
            }
            let data = Data(RegistryFile.render(header: .init(exportNumber: exportID, createdAt: createdAt, from: from, to: to), records: records).utf8)
            try write(data)
            return (log, SHA256Digest.hex(data))
        }
        let corrections = pending.filter { $0.corrects != nil }.count
        return Outcome(entry: entry, originals: pending.count - corrections, corrections: corrections)
    }
}
