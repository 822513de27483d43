import Foundation
import LabStore
import PostgresNIO

/// The "create agreement" forms on PostgreSQL (``PortalAgreementStore``; the SQLite twin:
/// SQLiteLabStore+PortalAgreements.swift, the same checks, errors and audit lines). A decision locks
/// its form first and checks the state after the lock, so two lab users accepting the same form at
/// once create one customer, not two; the customer's `K-` number is taken under the customer table
/// lock of `tld customer add` (PostgresLabStore+MasterData.swift).
extension PostgresLabStore: PortalAgreementStore {
    public func saveAgreement(_ agreement: PortalAgreement, action: String, outbox: PortalOutboxMessage?) throws(LabStoreError) -> PortalAgreement {
        let stamp = storedTime(now())
        return try transaction("save agreement form") { session -> PortalAgreement in
            var row = agreement
            row.updatedAt = stamp
            if row.state == .sent && row.sentAt == nil { row.sentAt = stamp }
            row.sentAt = row.sentAt.map(storedTime)
            let fields = try Self.fieldsJSON(row.fields)
            let sealed = try Self.sealedJSON(row.nationalIDs)
            if let id = row.id {
                guard let old = try Self.agreement(id: id, forUpdate: true, in: session) else {
                    throw LabStoreError.invalidRecord("no agreement form \(id)")
                }
                guard old.state == .draft, old.resumeToken == row.resumeToken else {
                    throw LabStoreError.invalidRecord("agreement form \(id) was already sent; it cannot be changed")
                }
                var b = PostgresBindings()
                b.append(row.state.rawValue); b.append(fields); b.append(sealed); b.append(row.submitterName)
                b.append(row.submitterPhone); b.append(row.submitterEmail); b.append(row.updatedAt); b.append(row.sentAt); b.append(id)
                try session.execute("""
                    UPDATE portalAgreement SET state = $1, fields = $2::jsonb, nationalIDs = $3::jsonb, submitterName = $4,
                        submitterPhone = $5, submitterEmail = $6, updatedAt = $7, sentAt = $8
                    WHERE id = $9
                    """, b)
            } else {
                row.createdAt = stamp
                var b = PostgresBindings()
                b.append(row.state.rawValue); b.append(fields); b.append(sealed); b.append(row.submitterName)
                b.append(row.submitterPhone); b.append(row.submitterEmail); b.append(row.resumeToken); b.append(row.createdAt)
                b.append(row.updatedAt); b.append(row.sentAt)
                let inserted = try session.query("""
                    INSERT INTO portalAgreement (state, fields, nationalIDs, submitterName, submitterPhone, submitterEmail,
                        resumeToken, createdAt, updatedAt, sentAt)
                    VALUES ($1, $2::jsonb, $3::jsonb, $4, $5, $6, $7, $8, $9, $10) RETURNING id
                    """, b)
                row.id = try inserted.first?.decode(Int64.self)
            }
            try Self.appendAudit(PortalAuditEntry(
                at: stamp, accountID: nil, userName: row.submitterEmail.isEmpty ? "(agreement form)" : row.submitterEmail,
                action: action, detail: "agreement #\(row.id ?? 0)"), in: session)
            if var message = outbox {
                message.at = stamp
                try Self.insertOutbox(message, in: session)
            }
            return row
        }
    }

    public func agreement(id: Int64) throws(LabStoreError) -> PortalAgreement? {
        try withSession("read agreement form") { session in try Self.agreement(id: id, in: session) }
    }

    public func agreement(resumeToken: String) throws(LabStoreError) -> PortalAgreement? {
        try withSession("read agreement form") { session in
            var b = PostgresBindings()
            b.append(resumeToken)
            return try session.query("SELECT \(Self.agreementColumns) FROM portalAgreement WHERE resumeToken = $1", b)
                .first.map(Self.decodeAgreement)
        }
    }

    public func agreements(state: SubmissionState) throws(LabStoreError) -> [PortalAgreement] {
        try withSession("list agreement forms") { session in
            var b = PostgresBindings()
            b.append(state.rawValue)
            return try session.query("SELECT \(Self.agreementColumns) FROM portalAgreement WHERE state = $1 ORDER BY id", b)
                .map(Self.decodeAgreement)
        }
    }

    public func acceptAgreement(id: Int64, agreement: NewAgreement, by account: PortalAccount) throws(LabStoreError) -> PortalAgreement {
        let stamp = storedTime(now())
        return try transaction("accept agreement form") { session -> PortalAgreement in
            guard var row = try Self.agreement(id: id, forUpdate: true, in: session), row.state == .sent else {
                throw LabStoreError.invalidRecord("agreement form \(id) is not waiting for a decision")
            }
            // As `tld customer add`: the next K- number (one desk at a time), the same checks.
            try session.execute("LOCK TABLE customer IN SHARE ROW EXCLUSIVE MODE")
            var customer = agreement.customer
            customer.id = Customer.number(sequence: try Self.nextCustomerSequence(in: session))
            if let problem = MasterDataValidation.customerProblem(customer) { throw LabStoreError.invalidRecord(problem) }
            try Self.insertCustomer(customer, in: session)
            var enrolled: [String] = []
            for first in agreement.wearers {
                var wearer = try Self.findOrAddWearer(customerID: customer.id, name: first.name, nationalID: first.nationalID, in: session)
                guard let wearerID = wearer.id else { throw LabStoreError.invalidRecord("the wearer has no id") }
                if wearer.birthDate == nil, let birthDate = first.birthDate {
                    wearer.birthDate = birthDate
                    try Self.updateWearer(wearer, id: wearerID, in: session)
                }
                var enrolment = first.enrolment
                enrolment.wearerID = wearerID
                enrolment.customerID = customer.id
                enrolled.append(try Self.enrol(enrolment, in: session).number)
            }
            let outcome = "customer \(customer.id) created" + (enrolled.isEmpty ? "" : "; enrolled " + enrolled.joined(separator: ", "))
            row.state = .accepted
            row.decidedAt = stamp
            row.decidedBy = account.id
            row.outcome = outcome
            row.customerID = customer.id
            var b = PostgresBindings()
            b.append(stamp); b.append(account.id); b.append(outcome); b.append(customer.id); b.append(id)
            try session.execute("""
                UPDATE portalAgreement SET state = 'accepted', decidedAt = $1, decidedBy = $2, outcome = $3, customerID = $4
                WHERE id = $5
                """, b)
            try Self.appendAudit(PortalAuditEntry(at: stamp, accountID: account.id, userName: account.userName, action: "accepted",
                                                  customerID: customer.id, detail: "agreement #\(id): \(outcome)"), in: session)
            return row
        }
    }

    public func rejectAgreement(id: Int64, reason: String, by account: PortalAccount) throws(LabStoreError) -> PortalAgreement {
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty else { throw .invalidRecord("a rejection needs a reason") }
        let stamp = storedTime(now())
        return try transaction("reject agreement form") { session -> PortalAgreement in
            guard var row = try Self.agreement(id: id, forUpdate: true, in: session), row.state == .sent else {
                throw LabStoreError.invalidRecord("agreement form \(id) is not waiting for a decision")
            }
            row.state = .rejected
            row.decidedAt = stamp
            row.decidedBy = account.id
            row.reason = why
            var b = PostgresBindings()
            b.append(stamp); b.append(account.id); b.append(why); b.append(id)
            try session.execute(
                "UPDATE portalAgreement SET state = 'rejected', decidedAt = $1, decidedBy = $2, reason = $3 WHERE id = $4", b)
            try Self.appendAudit(PortalAuditEntry(at: stamp, accountID: account.id, userName: account.userName, action: "rejected",
                                                  detail: "agreement #\(id): \(why)"), in: session)
            return row
        }
    }
}
