import Foundation
import GRDB
import LabStore

extension SQLiteLabStore: PortalAgreementStore {
    public func saveAgreement(_ agreement: PortalAgreement, action: String, outbox: PortalOutboxMessage?) throws(LabStoreError) -> PortalAgreement {
        try write("save agreement form", table: "portalAgreement") { db in
            var row = agreement
            let stamp = now()
            row.updatedAt = stamp
            if row.state == .sent && row.sentAt == nil { row.sentAt = stamp }
            let fields = try Self.fieldsJSON(row.fields)
            let sealed = try Self.sealedJSON(row.nationalIDs)
            if let id = row.id {
                guard let old = try Self.fetchAgreement(db, sql: "SELECT * FROM portalAgreement WHERE id = ?", id) else {
                    throw LabStoreError.invalidRecord("no agreement form \(id)")
                }
                guard old.state == .draft, old.resumeToken == row.resumeToken else {
                    throw LabStoreError.invalidRecord("agreement form \(id) was already sent; it cannot be changed")
                }
                try db.execute(sql: """
                    UPDATE portalAgreement SET state = ?, fields = ?, nationalIDs = ?, submitterName = ?, submitterPhone = ?,
                        submitterEmail = ?, updatedAt = ?, sentAt = ? WHERE id = ?
                    """, arguments: [row.state.rawValue, fields, sealed, row.submitterName, row.submitterPhone, row.submitterEmail,
                                     row.updatedAt, row.sentAt, id])
            } else {
                row.createdAt = stamp
                try db.execute(sql: """
                    INSERT INTO portalAgreement (state, fields, nationalIDs, submitterName, submitterPhone, submitterEmail,
                        resumeToken, createdAt, updatedAt, sentAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [row.state.rawValue, fields, sealed, row.submitterName, row.submitterPhone, row.submitterEmail,
                                     row.resumeToken, row.createdAt, row.updatedAt, row.sentAt])
                row.id = db.lastInsertedRowID
            }
            try Self.appendAudit(PortalAuditEntry(at: stamp, accountID: nil, userName: row.submitterEmail.isEmpty ? "(agreement form)" : row.submitterEmail,
                                                  action: action, detail: "agreement #\(row.id ?? 0)"), in: db)
            if var message = outbox {
                message.at = stamp
                try message.insert(db)
            }
            return row
        }
    }

    public func agreement(id: Int64) throws(LabStoreError) -> PortalAgreement? {
        try read("read agreement form") { db in try Self.fetchAgreement(db, sql: "SELECT * FROM portalAgreement WHERE id = ?", id) }
    }

    public func agreement(resumeToken: String) throws(LabStoreError) -> PortalAgreement? {
        try read("read agreement form") { db in
            try Self.fetchAgreement(db, sql: "SELECT * FROM portalAgreement WHERE resumeToken = ?", resumeToken)
        }
    }

    public func agreements(state: SubmissionState) throws(LabStoreError) -> [PortalAgreement] {
        try read("list agreement forms") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM portalAgreement WHERE state = ? ORDER BY id", arguments: [state.rawValue])
                .map(Self.agreement(row:))
        }
    }

    public func acceptAgreement(id: Int64, agreement: NewAgreement, by account: PortalAccount) throws(LabStoreError) -> PortalAgreement {
        try write("accept agreement form", table: "portalAgreement") { db in
            guard var row = try Self.fetchAgreement(db, sql: "SELECT * FROM portalAgreement WHERE id = ?", id), row.state == .sent else {
                throw LabStoreError.invalidRecord("agreement form \(id) is not waiting for a decision")
            }
            // As `tld customer add`: the next K- number, the same checks.
            var customer = agreement.customer
            customer.id = Customer.number(sequence: try Self.nextCustomerSequence(in: db))
            if let problem = MasterDataValidation.customerProblem(customer) { throw LabStoreError.invalidRecord(problem) }
            try customer.insert(db)
            var enrolled: [String] = []
            for first in agreement.wearers {
                var wearer = try Self.addWearer(customerID: customer.id, name: first.name, nationalID: first.nationalID, in: db)
                if wearer.birthDate == nil, let birthDate = first.birthDate {
                    wearer.birthDate = birthDate
                    try wearer.update(db)
                }
                guard let wearerID = wearer.id else { throw LabStoreError.invalidRecord("the wearer has no id") }
                var enrolment = first.enrolment
                enrolment.wearerID = wearerID
                enrolment.customerID = customer.id
                enrolled.append(try Self.enrol(enrolment, in: db).number)
            }
            let outcome = "customer \(customer.id) created" + (enrolled.isEmpty ? "" : "; enrolled " + enrolled.joined(separator: ", "))
            row.state = .accepted
            row.decidedAt = now()
            row.decidedBy = account.id
            row.outcome = outcome
            row.customerID = customer.id
            try db.execute(sql: """
                UPDATE portalAgreement SET state = 'accepted', decidedAt = ?, decidedBy = ?, outcome = ?, customerID = ? WHERE id = ?
                """, arguments: [row.decidedAt, row.decidedBy, outcome, customer.id, id])
            try Self.appendAudit(PortalAuditEntry(at: now(), accountID: account.id, userName: account.userName, action: "accepted",
                                                  customerID: customer.id, detail: "agreement #\(id): \(outcome)"), in: db)
            return row
        }
    }

    public func rejectAgreement(id: Int64, reason: String, by account: PortalAccount) throws(LabStoreError) -> PortalAgreement {
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty else { throw .invalidRecord("a rejection needs a reason") }
        return try write("reject agreement form", table: "portalAgreement") { db in
            guard var row = try Self.fetchAgreement(db, sql: "SELECT * FROM portalAgreement WHERE id = ?", id), row.state == .sent else {
                throw LabStoreError.invalidRecord("agreement form \(id) is not waiting for a decision")
            }
            row.state = .rejected
            row.decidedAt = now()
            row.decidedBy = account.id
            row.reason = why
            try db.execute(sql: "UPDATE portalAgreement SET state = 'rejected', decidedAt = ?, decidedBy = ?, reason = ? WHERE id = ?",
                           arguments: [row.decidedAt, row.decidedBy, why, id])
            try Self.appendAudit(PortalAuditEntry(at: now(), accountID: account.id, userName: account.userName, action: "rejected",
                                                  detail: "agreement #\(id): \(why)"), in: db)
            return row
        }
    }

    // MARK: Helpers

    /// The sealed IDs as JSON: field name → [sealed, lookup] in base64 (still sealed: no clear ID).
    static func sealedJSON(_ ids: [String: ProtectedNationalID]) throws -> String {
        try fieldsJSON(ids.mapValues { $0.sealed.base64EncodedString() + " " + $0.lookup.base64EncodedString() })
    }

    static func fetchAgreement(_ db: Database, sql: String, _ argument: some DatabaseValueConvertible) throws -> PortalAgreement? {
        try Row.fetchOne(db, sql: sql, arguments: [argument]).map(agreement(row:))
    }

    static func agreement(row: Row) throws -> PortalAgreement {
        let fieldsText: String = row["fields"]
        let idsText: String = row["nationalIDs"]
        let fields = try JSONDecoder().decode([String: String].self, from: Data(fieldsText.utf8))
        var ids: [String: ProtectedNationalID] = [:]
        for (name, pair) in try JSONDecoder().decode([String: String].self, from: Data(idsText.utf8)) {
            let parts = pair.split(separator: " ")
            guard parts.count == 2, let sealed = Data(base64Encoded: String(parts[0])), let lookup = Data(base64Encoded: String(parts[1])) else {
                throw LabStoreError.corruptRow(table: "portalAgreement", reason: "a sealed national ID is not base64")
            }
            ids[name] = ProtectedNationalID(sealed: sealed, lookup: lookup)
        }
        guard let state = SubmissionState(rawValue: row["state"]) else {
            throw LabStoreError.corruptRow(table: "portalAgreement", reason: "unknown state")
        }
        return PortalAgreement(
            id: row["id"], state: state, fields: fields, nationalIDs: ids, submitterName: row["submitterName"],
            submitterPhone: row["submitterPhone"], submitterEmail: row["submitterEmail"], resumeToken: row["resumeToken"],
            createdAt: row["createdAt"], updatedAt: row["updatedAt"], sentAt: row["sentAt"], decidedBy: row["decidedBy"],
            decidedAt: row["decidedAt"], reason: row["reason"], outcome: row["outcome"], customerID: row["customerID"])
    }
}
