import Foundation
import LabStore
import PostgresNIO

/// The customer portal's records on PostgreSQL (``PortalStore``; the SQLite twin:
/// SQLiteLabStore+Portal.swift, the same checks, orders, errors and audit lines). Every method that
/// changes something writes its audit line in the same transaction.
///
/// Where SQLite's single writer decides one thing at a time for free, a row lock does here: a
/// decision locks its submission (`FOR UPDATE`) and checks its state after the lock, so when two lab
/// users accept (or reject) the same submission at once the second waits, then sees it decided and is
/// refused ("submission N is not waiting for a decision"): exactly one applies its change. A draft
/// being saved is locked the same way, so a SAVE racing a SEND never overwrites a sent submission.
extension PostgresLabStore: PortalStore {
    // MARK: Accounts

    public func addAccount(_ account: PortalAccount) throws(LabStoreError) -> PortalAccount {
        let name = account.userName.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw .invalidRecord("an account needs a user name") }
        let stamp = storedTime(now())
        return try transaction("add portal account") { session -> PortalAccount in
            if try Self.account(userName: name, in: session) != nil {
                throw LabStoreError.invalidRecord("the user name \(name) is taken")
            }
            if let customerID = account.customerID, try Self.customer(customerID, in: session) == nil {
                throw LabStoreError.customerNotFound(customerID)
            }
            var row = account
            row.userName = name
            row.createdAt = stamp
            var b = PostgresBindings()
            b.append(name); b.append(row.passwordHash); b.append(row.role.rawValue); b.append(row.customerID); b.append(row.displayName)
            b.append(row.disabled); b.append(stamp); b.append(row.wearerID); b.append(row.accessGranted)
            let inserted: [PostgresRow]
            do {
                inserted = try session.query("""
                    INSERT INTO portalAccount (userName, passwordHash, role, customerID, displayName, disabled, createdAt, wearerID,
                        accessGranted)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id
                    """, b)
            } catch where PostgresErrorMapping.sqlState(error) == "23505"
                && PostgresErrorMapping.constraint(error)?.lowercased() == "portalaccount_username" {
                // Another desk took the name between the check and the insert.
                throw LabStoreError.invalidRecord("the user name \(name) is taken")
            }
            row.id = try inserted.first?.decode(Int64.self)
            try Self.appendAudit(PortalAuditEntry(at: stamp, accountID: row.id, userName: name, action: "account added",
                                                  customerID: row.customerID, detail: row.role.rawValue), in: session)
            return row
        }
    }

    public func account(userName: String) throws(LabStoreError) -> PortalAccount? {
        try withSession("read portal account") { session in try Self.account(userName: userName, in: session) }
    }

    public func account(id: Int64) throws(LabStoreError) -> PortalAccount? {
        try withSession("read portal account") { session in try Self.account(id: id, in: session) }
    }

    /// By user name as SQLite orders its `COLLATE NOCASE` column: A–Z folded, then byte order.
    public func accounts() throws(LabStoreError) -> [PortalAccount] {
        try withSession("list portal accounts") { session in
            try session.query("SELECT \(Self.accountColumns) FROM portalAccount ORDER BY tld_nocase(userName) COLLATE \"C\"").map(Self.decodeAccount)
        }
    }

    public func setAccountDisabled(userName: String, disabled: Bool) throws(LabStoreError) -> PortalAccount {
        let stamp = storedTime(now())
        return try transaction("disable portal account") { session -> PortalAccount in
            guard var row = try Self.account(userName: userName, forUpdate: true, in: session), let id = row.id else {
                throw LabStoreError.invalidRecord("no portal account \(userName)")
            }
            row.disabled = disabled
            var b = PostgresBindings()
            b.append(disabled); b.append(id)
            try session.execute("UPDATE portalAccount SET disabled = $1 WHERE id = $2", b)
            try Self.appendAudit(PortalAuditEntry(at: stamp, accountID: id, userName: row.userName,
                                                  action: disabled ? "account disabled" : "account enabled",
                                                  customerID: row.customerID), in: session)
            return row
        }
    }

    // MARK: Submissions

    public func saveSubmission(_ submission: PortalSubmission, by account: PortalAccount, action: String,
                               outbox: PortalOutboxMessage?) throws(LabStoreError) -> PortalSubmission {
        let stamp = storedTime(now())
        return try transaction("save portal submission") { session -> PortalSubmission in
            var row = submission
            row.updatedAt = stamp
            if row.state == .sent && row.sentAt == nil { row.sentAt = stamp }
            let fields = try Self.fieldsJSON(row.fields)
            if let id = row.id {
                guard let old = try Self.submission(id: id, forUpdate: true, in: session) else {
                    throw LabStoreError.invalidRecord("no portal submission \(id)")
                }
                guard old.customerID == row.customerID, old.state == .draft else {
                    throw LabStoreError.invalidRecord("submission \(id) was already sent; it cannot be changed")
                }
                var b = PostgresBindings()
                b.append(row.kind.rawValue); b.append(row.state.rawValue); b.append(fields)
                try b.append(row.nationalID?.sealed); try b.append(row.nationalID?.lookup)
                b.append(row.submitterName); b.append(row.submitterPhone); b.append(row.submitterEmail)
                b.append(row.updatedAt); b.append(row.sentAt.map(storedTime)); b.append(id)
                try session.execute("""
                    UPDATE portalSubmission SET kind = $1, state = $2, fields = $3::jsonb, nationalIDSealed = $4,
                        nationalIDLookup = $5, submitterName = $6, submitterPhone = $7, submitterEmail = $8, updatedAt = $9,
                        sentAt = $10
                    WHERE id = $11
                    """, b)
            } else {
                row.createdAt = stamp
                var b = PostgresBindings()
                b.append(row.customerID); b.append(row.kind.rawValue); b.append(row.state.rawValue); b.append(fields)
                try b.append(row.nationalID?.sealed); try b.append(row.nationalID?.lookup)
                b.append(row.submitterName); b.append(row.submitterPhone); b.append(row.submitterEmail); b.append(row.resumeToken)
                b.append(row.createdBy); b.append(row.createdAt); b.append(row.updatedAt); b.append(row.sentAt.map(storedTime))
                let inserted = try session.query("""
                    INSERT INTO portalSubmission (customerID, kind, state, fields, nationalIDSealed, nationalIDLookup,
                        submitterName, submitterPhone, submitterEmail, resumeToken, createdBy, createdAt, updatedAt, sentAt)
                    VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id
                    """, b)
                row.id = try inserted.first?.decode(Int64.self)
            }
            row.sentAt = row.sentAt.map(storedTime)
            try Self.appendAudit(PortalAuditEntry(at: stamp, accountID: account.id, userName: account.userName, action: action,
                                                  customerID: row.customerID, submissionID: row.id, detail: row.kind.rawValue),
                                 in: session)
            if var message = outbox {
                message.at = stamp
                message.submissionID = row.id
                try Self.insertOutbox(message, in: session)
            }
            return row
        }
    }

    public func submission(id: Int64) throws(LabStoreError) -> PortalSubmission? {
        try withSession("read portal submission") { session in try Self.submission(id: id, in: session) }
    }

    public func submission(resumeToken: String) throws(LabStoreError) -> PortalSubmission? {
        try withSession("read portal submission") { session in
            var b = PostgresBindings()
            b.append(resumeToken)
            return try session.query("SELECT \(Self.submissionColumns) FROM portalSubmission WHERE resumeToken = $1", b)
                .first.map(Self.decodeSubmission)
        }
    }

    public func submissions(customerID: String) throws(LabStoreError) -> [PortalSubmission] {
        try withSession("list portal submissions") { session in
            var b = PostgresBindings()
            b.append(customerID)
            return try session.query("SELECT \(Self.submissionColumns) FROM portalSubmission WHERE customerID = $1 ORDER BY id DESC", b)
                .map(Self.decodeSubmission)
        }
    }

    public func submissions(state: SubmissionState) throws(LabStoreError) -> [PortalSubmission] {
        try withSession("list portal submissions") { session in
            var b = PostgresBindings()
            b.append(state.rawValue)
            return try session.query("SELECT \(Self.submissionColumns) FROM portalSubmission WHERE state = $1 ORDER BY id", b)
                .map(Self.decodeSubmission)
        }
    }

    public func acceptSubmission(id: Int64, change: MasterDataChange, by account: PortalAccount) throws(LabStoreError) -> PortalSubmission {
        let stamp = storedTime(now())
        return try transaction("accept portal submission") { session -> PortalSubmission in
            // The lock first, the state after it: a second lab user waits here, then finds it decided.
            guard var row = try Self.submission(id: id, forUpdate: true, in: session), row.state == .sent else {
                throw LabStoreError.invalidRecord("submission \(id) is not waiting for a decision")
            }
            let outcome = try Self.apply(change, customerID: row.customerID, in: session)
            row.state = .accepted
            row.decidedAt = stamp
            row.decidedBy = account.id
            row.outcome = outcome
            var b = PostgresBindings()
            b.append(stamp); b.append(account.id); b.append(outcome); b.append(id)
            try session.execute(
                "UPDATE portalSubmission SET state = 'accepted', decidedAt = $1, decidedBy = $2, outcome = $3 WHERE id = $4", b)
            try Self.appendAudit(PortalAuditEntry(at: stamp, accountID: account.id, userName: account.userName, action: "accepted",
                                                  customerID: row.customerID, submissionID: id, detail: outcome), in: session)
            return row
        }
    }

    public func rejectSubmission(id: Int64, reason: String, by account: PortalAccount) throws(LabStoreError) -> PortalSubmission {
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty else { throw .invalidRecord("a rejection needs a reason") }
        let stamp = storedTime(now())
        return try transaction("reject portal submission") { session -> PortalSubmission in
            guard var row = try Self.submission(id: id, forUpdate: true, in: session), row.state == .sent else {
                throw LabStoreError.invalidRecord("submission \(id) is not waiting for a decision")
            }
            row.state = .rejected
            row.decidedAt = stamp
            row.decidedBy = account.id
            row.reason = why
            var b = PostgresBindings()
            b.append(stamp); b.append(account.id); b.append(why); b.append(id)
            try session.execute(
                "UPDATE portalSubmission SET state = 'rejected', decidedAt = $1, decidedBy = $2, reason = $3 WHERE id = $4", b)
            try Self.appendAudit(PortalAuditEntry(at: stamp, accountID: account.id, userName: account.userName, action: "rejected",
                                                  customerID: row.customerID, submissionID: id, detail: why), in: session)
            return row
        }
    }

    // MARK: Audit and outbox

    public func audit(_ entry: PortalAuditEntry) throws(LabStoreError) {
        try transaction("audit portal") { session in try Self.appendAudit(entry, in: session) }
    }

    public func auditTrail(submissionID: Int64?) throws(LabStoreError) -> [PortalAuditEntry] {
        try withSession("read portal audit") { session in
            guard let submissionID else {
                return try session.query("SELECT \(Self.auditColumns) FROM portalAudit ORDER BY id DESC").map(Self.decodeAudit)
            }
            var b = PostgresBindings()
            b.append(submissionID)
            return try session.query("SELECT \(Self.auditColumns) FROM portalAudit WHERE submissionID = $1 ORDER BY id DESC", b)
                .map(Self.decodeAudit)
        }
    }

    public func saveOutbox(_ message: PortalOutboxMessage) throws(LabStoreError) {
        try transaction("write portal outbox") { session in try Self.insertOutbox(message, in: session) }
    }

    public func outbox() throws(LabStoreError) -> [PortalOutboxMessage] {
        try withSession("read portal outbox") { session in
            try session.query("SELECT \(Self.outboxColumns) FROM portalOutbox ORDER BY id DESC").map(Self.decodeOutbox)
        }
    }

    // MARK: Applying an accepted change

    /// Applies one accepted change inside the caller's transaction, through the same store code as
    /// `tld enrolment add`, `tld unenrol` and a handover reported at intake; returns what it did
    /// (SQLiteLabStore.apply(_:customerID:in:), the same outcomes and refusals). The rows it changes
    /// are locked first: the customer (wearers found or added), the enrolment ended, the card's issue.
    static func apply(_ change: MasterDataChange, customerID: String, in session: PostgresSession) throws -> String {
        switch change {
        case let .enrol(name, nationalID, birthDate, enrolment):
            var wearer = try findOrAddWearer(customerID: customerID, name: name, nationalID: nationalID, in: session)
            guard let wearerID = wearer.id else { throw LabStoreError.invalidRecord("the wearer has no id") }
            if wearer.birthDate == nil, let birthDate {
                wearer.birthDate = birthDate
                try updateWearer(wearer, id: wearerID, in: session)
            }
            var row = enrolment
            row.wearerID = wearerID
            row.customerID = customerID
            let saved = try enrol(row, in: session)
            return "\(saved.number) enrolled"
        case let .endEnrolment(number, lastDay):
            var b = PostgresBindings()
            b.append(number)
            guard var enrolment = try session.query("SELECT \(enrolmentColumns) FROM enrolment WHERE number = $1 FOR UPDATE", b)
                .first.map(decodeEnrolment), enrolment.customerID == customerID, let id = enrolment.id else {
                throw LabStoreError.enrolmentNotFound(number)
            }
            enrolment.endDate = lastDay
            if let problem = MasterDataValidation.enrolmentProblem(enrolment) { throw LabStoreError.invalidRecord(problem) }
            try updateEnrolment(enrolment, id: id, in: session)
            return "\(number) ends \(lastDay)"
        case let .handover(cardID, handover):
            var b = PostgresBindings()
            b.append(cardID)
            guard let issue = try session.query(
                "SELECT \(issueColumns) FROM cardIssue WHERE cardID = $1 ORDER BY id DESC LIMIT 1 FOR UPDATE", b
            ).first.map(decodeIssue), issue.customerID == customerID else {
                throw LabStoreError.invalidRecord("card \(cardID) was not sent to \(customerID)")
            }
            let enrolment = try enrolHandover(issue: issue, handover: handover, in: session)
            return "card \(cardID) handed over: \(enrolment.number)"
        case let .updateCustomer(customer):
            var b = PostgresBindings()
            b.append(customerID)
            guard customer.id == customerID,
                  try !session.query("SELECT 1 FROM customer WHERE id = $1 FOR NO KEY UPDATE", b).isEmpty else {
                throw LabStoreError.customerNotFound(customer.id)
            }
            try updateCustomer(customer, in: session)
            return "company data of \(customerID) changed"
        }
    }
}
