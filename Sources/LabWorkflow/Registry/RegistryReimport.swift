import Foundation
import LabStore

/// An export file read back against the lab's records (`tld registry validate --compare`): each record
/// of the file must be one the export log holds for that export (same number, same person by the
/// national ID's look-up hash, same original/correction), and every field — name, birth date,
/// customer, company, period, dosimeter type, Hp(10), Hp(0.07) and detection limit at the file's 4
/// decimals, status, assigned method — must be what the lab's dose record gives for that person and
/// period today. A record whose period has changed since and which a later export corrects is
/// *superseded*, not a problem. Problems never quote a national ID, a name or a dose of the file.
public struct RegistryReimport: Sendable {
    let store: any RegistryExportStore
    let protector: NationalIDProtector

    public init(store: any RegistryExportStore, protector: NationalIDProtector) {
        self.store = store
        self.protector = protector
    }

    public struct Outcome: Sendable, Hashable {
        /// Records identical, field by field, to the lab's records.
        public var matched = 0
        /// Records that differ from today's records and that a later export corrects.
        public var superseded = 0
        /// What does not match, by the file's line (the HDR is line 1, the first DAT line 2).
        public var problems: [RegistryFile.Problem] = []
    }

    /// The fields of a file record, each as the file writes it.
    static func fields(_ r: RegistryFile.Record) -> [(String, String)] {
        [("name", r.name), ("birth date", r.birthDate?.description ?? ""), ("customer", r.customer), ("company ID", r.companyID),
         ("period start", r.periodStart.description), ("period end", r.periodEnd.description),
         ("dosimeter type", RegistryFile.typeCodes[r.dosimeterType] ?? ""), ("Hp(10)", RegistryFile.mSv(r.hp10MilliSievert)),
         ("Hp(0.07)", RegistryFile.mSv(r.hp007MilliSievert)), ("detection limit", RegistryFile.mSv(r.detectionLimitMilliSievert)),
         ("status", r.status.rawValue), ("assigned method", r.assignedMethod)]
    }

    public func compare(header: RegistryFile.Header, records: [RegistryFile.Record]) throws -> Outcome {
        var out = Outcome()
        func problem(_ line: Int, _ reason: String) { out.problems.append(RegistryFile.Problem(line: line, reason: reason)) }
        let logged = Dictionary(uniqueKeysWithValues: try store.registryRecords(exportID: header.exportNumber).map { ($0.id, $0) })
        guard !logged.isEmpty else {
            problem(1, "export \(header.exportNumber) is not in this lab's export log")
            return out
        }
        let inFile = Set(records.map(\.recordID))
        for id in logged.keys.sorted() where !inFile.contains(id) { problem(1, "record \(id) of export \(header.exportNumber) is missing from the file") }
        var periods: [String: RegistryPeriod] = [:]
        func key(_ issue: CardIssue.ID, _ lookup: Data) -> String { "\(issue.rawValue):" + lookup.base64EncodedString() }
        for p in try store.registryPeriods(periodEndFrom: header.from, to: header.to) { periods[key(p.period.issueID, p.personLookup)] = p }
        let corrected = try store.registryCorrections(of: records.map(\.recordID))
        var companies: [String: String] = [:]
        for (index, r) in records.enumerated() {
            let line = index + 2
            guard let log = logged[r.recordID] else { problem(line, "record \(r.recordID) is not in export \(header.exportNumber) of the log"); continue }
            guard let lookup = try? protector.lookup(r.nationalID), lookup == log.personLookup else {
                problem(line, "record \(r.recordID): the national ID is not the person the log sent this record for"); continue
            }
            if r.corrects != log.correctsID {
                problem(line, "record \(r.recordID): corrects \(r.corrects.map(String.init) ?? "nothing") in the file, \(log.correctsID.map(String.init) ?? "nothing") in the log")
            }
            guard let item = periods[key(log.issueID, lookup)], let status = RegistryFile.Status(item.period.status) else {
                if corrected[r.recordID] != nil { out.superseded += 1 } else {
                    problem(line, "record \(r.recordID): the lab's records hold no final result of this person for that period")
                }
                continue
            }
            if companies[item.period.customerID] == nil {
                companies[item.period.customerID] = try store.customer(id: item.period.customerID)?.companyID ?? ""
            }
            let expected = RegistryExport.record(item.period, id: r.recordID, corrects: log.correctsID, status: status, wearer: item.wearer,
                                                 nationalID: r.nationalID, companyID: companies[item.period.customerID] ?? "")
            let differing = zip(Self.fields(r), Self.fields(expected)).filter { $0.0.1 != $0.1.1 }.map(\.0.0)
            if differing.isEmpty { out.matched += 1 } else if corrected[r.recordID] != nil { out.superseded += 1 } else {
                problem(line, "record \(r.recordID): \(differing.joined(separator: ", ")) not as in the lab's records")
            }
        }
        return out
    }
}
