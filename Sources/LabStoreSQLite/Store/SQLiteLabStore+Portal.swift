import Foundation
import GRDB
import LabStore

extension SQLiteLabStore: PortalStore {
    // MARK: Accounts

    public func addAccount(_ account: PortalAccount) throws(LabStoreError) -> PortalAccount {
        let name = account.userName.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw .invalidRecord("an account needs a user name") }
        return try write("add portal account", table: PortalAccount.databaseTableName) { db in
            if try PortalAccount.filter(Column("userName").collating(.nocase) == name).fetchOne(db) != nil {
                throw LabStoreError.invalidRecord("the user name \(name) is taken")
            }
            if let customerID = account.customerID, try !Customer.exists(db, key: customerID) {
                throw LabStoreError.customerNotFound(customerID)
            }
            var row = account
            row.userName = name
            row.createdAt = now()
            try row.insert(db)
            try Self.appendAudit(PortalAuditEntry(at: now(), accountID: row.id, userName: name, action: "account added",
                                 customerID: row.customerID, detail: row.role.rawValue), in: db)
            return row
        }
    }

    public func account(userName: String) throws(LabStoreError) -> PortalAccount? {
        try read("read portal account") { db in
            try PortalAccount.filter(Column("userName").collating(.nocase) == userName).fetchOne(db)
        }
    }

    public func account(id: Int64) throws(LabStoreError) -> PortalAccount? {
        try read("read portal account") { db in try PortalAccount.fetchOne(db, key: id) }
    }

    public func accounts() throws(LabStoreError) -> [PortalAccount] {
        try read("list portal accounts") { db in try PortalAccount.order(Column("userName")).fetchAll(db) }
    }

    public func setAccountDisabled(userName: String, disabled: Bool) throws(LabStoreError) -> PortalAccount {
        try write("disable portal account", table: PortalAccount.databaseTableName) { db in
            guard var row = try PortalAccount.filter(Column("userName").collating(.nocase) == userName).fetchOne(db) else {
                throw LabStoreError.invalidRecord("no portal account \(userName)")
            }
            row.disabled = disabled
            try row.update(db)
            try Self.appendAudit(PortalAuditEntry(at: now(), accountID: row.id, userName: row.userName,
                                 action: disabled ? "account disabled" : "account enabled", customerID: row.customerID), in: db)
            return row
        }
    }

    // MARK: Submissions

    public func saveSubmission(_ submission: PortalSubmission, by account: PortalAccount, action: String,
                               outbox: PortalOutboxMessage?) throws(LabStoreError) -> PortalSubmission {
        try write("save portal submission", table: "portalSubmission") { db in
            var row = submission
            let stamp = now()
            row.updatedAt = stamp
            if row.state == .sent && row.sentAt == nil { row.sentAt = stamp }
            let fields = try Self.fieldsJSON(row.fields)
            if let id = row.id {
                guard let old = try Self.fetchSubmission(db, sql: "SELECT * FROM portalSubmission WHERE id = ?", id) else {
                    throw LabStoreError.invalidRecord("no portal submission \(id)")
                }
                guard old.customerID == row.customerID, old.state == .draft else {
                    throw LabStoreError.invalidRecord("submission \(id) was already sent; it cannot be changed")
                }
                try db.execute(sql: """
                    UPDATE portalSubmission SET kind = ?, state = ?, fields = ?, nationalIDSealed = ?, nationalIDLookup = ?,
                        submitterName = ?, submitterPhone = ?, submitterEmail = ?, updatedAt = ?, sentAt = ? WHERE id = ?
                    """, arguments: [row.kind.rawValue, row.state.rawValue, fields, row.nationalID?.sealed, row.nationalID?.lookup,
                                     row.submitterName, row.submitterPhone, row.submitterEmail, row.updatedAt, row.sentAt, id])
            } else {
                row.createdAt = stamp
                try db.execute(sql: """
                    INSERT INTO portalSubmission (customerID, kind, state, fields, nationalIDSealed, nationalIDLookup,
                        submitterName, submitterPhone, submitterEmail, resumeToken, createdBy, createdAt, updatedAt, sentAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [row.customerID, row.kind.rawValue, row.state.rawValue, fields, row.nationalID?.sealed,
                                     row.nationalID?.lookup, row.submitterName, row.submitterPhone, row.submitterEmail,
                                     row.resumeToken, row.createdBy, row.createdAt, row.updatedAt, row.sentAt])
                row.id = db.lastInsertedRowID
            }
            try Self.appendAudit(PortalAuditEntry(at: stamp, accountID: account.id, userName: account.userName, action: action,
                                 customerID: row.customerID, submissionID: row.id, detail: row.kind.rawValue), in: db)
            if var message = outbox {
                message.at = stamp
                message.submissionID = row.id
                try message.insert(db)
            }
            return row
        }
    }

    public func submission(id: Int64) throws(LabStoreError) -> PortalSubmission? {
        try read("read portal submission") { db in try Self.fetchSubmission(db, sql: "SELECT * FROM portalSubmission WHERE id = ?", id) }
    }

    public func submission(resumeToken: String) throws(LabStoreError) -> PortalSubmission? {
        try read("read portal submission") { db in
            try Self.fetchSubmission(db, sql: "SELECT * FROM portalSubmission WHERE resumeToken = ?", resumeToken)
        }
    }

    public func submissions(customerID: String) throws(LabStoreError) -> [PortalSubmission] {
        try read("list portal submissions") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM portalSubmission WHERE customerID = ? ORDER BY id DESC", arguments: [customerID])
                .map(Self.submission(row:))
        }
    }

    public func submissions(state: SubmissionState) throws(LabStoreError) -> [PortalSubmission] {
        try read("list portal submissions") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM portalSubmission WHERE state = ? ORDER BY id", arguments: [state.rawValue])
                .map(Self.submission(row:))
        }
    }

    public func acceptSubmission(id: Int64, change: MasterDataChange, by account: PortalAccount) throws(LabStoreError) -> PortalSubmission {
        try write("accept portal submission", table: "portalSubmission") { db in
            guard var row = try Self.fetchSubmission(db, sql: "SELECT * FROM portalSubmission WHERE id = ?", id), row.state == .sent else {
                throw LabStoreError.invalidRecord("submission \(id) is not waiting for a decision")
            }
            let outcome = try Self.apply(change, customerID: row.customerID, in: db)
            row.state = .accepted
            row.decidedAt = now()
            row.decidedBy = account.id
            row.outcome = outcome
            try db.execute(sql: "UPDATE portalSubmission SET state = 'accepted', decidedAt = ?, decidedBy = ?, outcome = ? WHERE id = ?",
                           arguments: [row.decidedAt, row.decidedBy, outcome, id])
            try Self.appendAudit(PortalAuditEntry(at: now(), accountID: account.id, userName: account.userName, action: "accepted",
                                 customerID: row.customerID, submissionID: id, detail: outcome), in: db)
            return row
        }
    }

    public func rejectSubmission(id: Int64, reason: String, by account: PortalAccount) throws(LabStoreError) -> PortalSubmission {
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty else { throw .invalidRecord("a rejection needs a reason") }
        return try write("reject portal submission", table: "portalSubmission") { db in
            guard var row = try Self.fetchSubmission(db, sql: "SELECT * FROM portalSubmission WHERE id = ?", id), row.state == .sent else {
                throw LabStoreError.invalidRecord("submission \(id) is not waiting for a decision")
            }
            row.state = .rejected
            row.decidedAt = now()
            row.decidedBy = account.id
            row.reason = why
            try db.execute(sql: "UPDATE portalSubmission SET state = 'rejected', decidedAt = ?, decidedBy = ?, reason = ? WHERE id = ?",
                           arguments: [row.decidedAt, row.decidedBy, why, id])
            try Self.appendAudit(PortalAuditEntry(at: now(), accountID: account.id, userName: account.userName, action: "rejected",
                                 customerID: row.customerID, submissionID: id, detail: why), in: db)
            return row
        }
    }

    // MARK: Audit and outbox

    public func audit(_ entry: PortalAuditEntry) throws(LabStoreError) {
        try write("audit portal", table: PortalAuditEntry.databaseTableName) { db in
            var row = entry
            try row.insert(db)
        }
    }

    public func auditTrail(submissionID: Int64?) throws(LabStoreError) -> [PortalAuditEntry] {
        try read("read portal audit") { db in
            var request = PortalAuditEntry.order(Column("id").desc)
            if let submissionID { request = request.filter(Column("submissionID") == submissionID) }
            return try request.fetchAll(db)
        }
    }

    public func saveOutbox(_ message: PortalOutboxMessage) throws(LabStoreError) {
        try write("write portal outbox", table: PortalOutboxMessage.databaseTableName) { db in
            var row = message
            try row.insert(db)
        }
    }

    public func outbox() throws(LabStoreError) -> [PortalOutboxMessage] {
        try read("read portal outbox") { db in try PortalOutboxMessage.order(Column("id").desc).fetchAll(db) }
    }

    // MARK: Helpers

    /// Applies one accepted change inside the caller's transaction, through the same store code as
    /// `tld enrolment add`, `tld unenrol` and a handover reported at intake; returns what it did.
    static func apply(_ change: MasterDataChange, customerID: String, in db: Database) throws -> String {
        switch change {
        case let .enrol(name, nationalID, birthDate, enrolment):
            var wearer = try addWearer(customerID: customerID, name: name, nationalID: nationalID, in: db)
            if wearer.birthDate == nil, let birthDate {
                wearer.birthDate = birthDate
                try wearer.update(db)
            }
            guard let wearerID = wearer.id else { throw LabStoreError.invalidRecord("the wearer has no id") }
            var row = enrolment
            row.wearerID = wearerID
            row.customerID = customerID
            let saved = try enrol(row, in: db)
            return "\(saved.number) enrolled"
        case let .endEnrolment(number, lastDay):
            guard var enrolment = try Enrolment.filter(Column("number") == number).fetchOne(db), enrolment.customerID == customerID else {
                throw LabStoreError.enrolmentNotFound(number)
            }
            enrolment.endDate = lastDay
            if let problem = MasterDataValidation.enrolmentProblem(enrolment) { throw LabStoreError.invalidRecord(problem) }
            try enrolment.update(db)
            return "\(number) ends \(lastDay)"
        case let .handover(cardID, handover):
            guard let issue = try CardIssue.filter(Column("cardID") == cardID).order(Column("id").desc).fetchOne(db),
                  issue.customerID == customerID else {
                throw LabStoreError.invalidRecord("card \(cardID) was not sent to \(customerID)")
            }
            let enrolment = try enrolHandover(issue: issue, handover: handover, in: db)
            return "card \(cardID) handed over: \(enrolment.number)"
        case let .updateCustomer(customer):
            guard customer.id == customerID, try Customer.exists(db, key: customerID) else {
                throw LabStoreError.customerNotFound(customer.id)
            }
            try customer.update(db)
            return "company data of \(customerID) changed"
        }
    }

    static func appendAudit(_ entry: PortalAuditEntry, in db: Database) throws {
        var row = entry
        try row.insert(db)
    }

    static func fieldsJSON(_ fields: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(fields), as: UTF8.self)
    }

    static func fetchSubmission(_ db: Database, sql: String, _ argument: some DatabaseValueConvertible) throws -> PortalSubmission? {
        try Row.fetchOne(db, sql: sql, arguments: [argument]).map(submission(row:))
    }

    static func submission(row: Row) throws -> PortalSubmission {
        let fieldsText: String = row["fields"]
        let fields = try JSONDecoder().decode([String: String].self, from: Data(fieldsText.utf8))
        guard let kind = SubmissionKind(rawValue: row["kind"]), let state = SubmissionState(rawValue: row["state"]) else {
            throw LabStoreError.corruptRow(table: "portalSubmission", reason: "unknown kind or state")
        }
        let sealed: Data? = row["nationalIDSealed"]
        let lookup: Data? = row["nationalIDLookup"]
        return PortalSubmission(
            id: row["id"], customerID: row["customerID"], kind: kind, state: state, fields: fields,
            nationalID: sealed.flatMap { s in lookup.map { ProtectedNationalID(sealed: s, lookup: $0) } },
            submitterName: row["submitterName"], submitterPhone: row["submitterPhone"], submitterEmail: row["submitterEmail"],
            resumeToken: row["resumeToken"], createdBy: row["createdBy"], createdAt: row["createdAt"], updatedAt: row["updatedAt"],
            sentAt: row["sentAt"], decidedBy: row["decidedBy"], decidedAt: row["decidedAt"], reason: row["reason"], outcome: row["outcome"])
    }
}
