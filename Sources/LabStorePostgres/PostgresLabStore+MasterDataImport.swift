import Foundation
import LabStore
import PostgresNIO

/// `importMasterData` on PostgreSQL: the whole import in one transaction, with the matching rules of
/// the SQLite twin (SQLiteLabStore+MasterData.swift): customers by number, wearers by look-up hash
/// within their customer, enrolments by customer, wearer, type, period length and start date.
extension PostgresLabStore {
    public func importMasterData(_ data: MasterDataImport) throws(LabStoreError) -> MasterDataImportSummary {
        let summary = try transaction("import master data") { session -> MasterDataImportSummary in
            // New enrolment numbers follow the highest id: another desk enrolling at the same time
            // would take the same numbers. One enrolment writer at a time (readers go on).
            try session.execute("LOCK TABLE enrolment IN SHARE ROW EXCLUSIVE MODE")
            var summary = MasterDataImportSummary()
            // Each customer's wearers and enrolments are read once, when its first row comes.
            var wearers: [String: [Data: Wearer]] = [:]
            var enrolments: [String: [String: Enrolment]] = [:]
            var nextSequence = try session.query("SELECT COALESCE(MAX(id), 0) + 1 FROM enrolment").first?.decode(Int64.self) ?? 1
            for row in data.rows {
                let customerID = row.customer.id
                if wearers[customerID] == nil {
                    if let old = try Self.customer(customerID, in: session) {
                        let merged = old.merging(imported: row.customer)
                        if merged != old { try Self.updateCustomer(merged, in: session); summary.customersUpdated += 1 }
                    } else {
                        try Self.insertCustomer(row.customer, in: session)
                        summary.customersAdded += 1
                    }
                    var b = PostgresBindings()
                    b.append(customerID)
                    var known: [Data: Wearer] = [:]
                    for w in try session.query("SELECT \(Self.wearerColumns) FROM wearer WHERE customerID = $1", b).map(Self.decodeWearer) {
                        known[w.nationalIDLookup] = w
                    }
                    wearers[customerID] = known
                    var enrolled: [String: Enrolment] = [:]
                    for e in try session.query("SELECT \(Self.enrolmentColumns) FROM enrolment WHERE customerID = $1", b).map(Self.decodeEnrolment) {
                        enrolled[MasterDataImport.enrolmentKey(e)] = e
                    }
                    enrolments[customerID] = enrolled
                }
                var wearer: Wearer
                if let existing = wearers[customerID]?[row.nationalID.lookup] {
                    wearer = existing
                    if let updated = row.updating(existing) {
                        wearer = updated
                        guard let id = wearer.id else { throw LabStoreError.wearerNotFound(0) }
                        try Self.updateWearer(wearer, id: id, in: session)
                        summary.wearersUpdated += 1
                    }
                } else {
                    wearer = try Self.insertWearer(
                        Wearer(customerID: customerID, name: row.wearerName, protectedID: row.nationalID, birthDate: row.birthDate),
                        in: session)
                    summary.wearersAdded += 1
                }
                wearers[customerID, default: [:]][row.nationalID.lookup] = wearer
                guard let wearerID = wearer.id else { throw LabStoreError.wearerNotFound(0) }
                let k = row.enrolmentKey(wearer: wearerID)
                if let before = enrolments[customerID]?[k] {
                    if let existing = row.updating(before) {
                        do { try Self.refuseScheduleChange(from: before, to: existing, in: session) } catch let error as LabStoreError {
                            throw LabStoreError.invalidRecord("line \(row.line): \(error)")
                        }
                        if let problem = MasterDataValidation.enrolmentProblem(existing) {
                            throw LabStoreError.invalidRecord("line \(row.line): \(problem)")
                        }
                        guard let id = existing.id else { throw LabStoreError.enrolmentNotFound(existing.number) }
                        try Self.updateEnrolment(existing, id: id, in: session)
                        enrolments[customerID]?[k] = existing
                        summary.enrolmentsUpdated += 1
                    } else {
                        summary.unchangedRows += 1
                    }
                } else {
                    let e = row.newEnrolment(wearer: wearerID, sequence: Int(nextSequence), orderedOn: data.orderedOn)
                    if let problem = MasterDataValidation.enrolmentProblem(e) {
                        throw LabStoreError.invalidRecord("line \(row.line): \(problem)")
                    }
                    let inserted = try Self.insertEnrolment(e, in: session)
                    nextSequence += 1
                    enrolments[customerID]?[k] = inserted
                    summary.enrolmentsAdded += 1
                }
            }
            return summary
        }
        // Counts only: never a name or an ID in the log.
        logger.info("master data imported", metadata: [
            "rows": "\(data.rows.count)", "customersAdded": "\(summary.customersAdded)",
            "wearersAdded": "\(summary.wearersAdded)", "enrolmentsAdded": "\(summary.enrolmentsAdded)",
        ])
        return summary
    }
}
