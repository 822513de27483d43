import Foundation
import LabStore
import PostgresNIO

/// The portal's records (account, submission, agreement form, audit line, outbox message) as
/// PostgreSQL rows (schema: PostgresPortalMigration.swift): column lists, decoders and the JSON of
/// the form fields. Times are `timestamptz` kept to the millisecond (``storedTime(_:)``), as SQLite
/// keeps them; the form fields are `jsonb` (read back as text, the same `[String: String]` object
/// SQLite keeps as TEXT); an agreement form's sealed national IDs are a JSON object of field name →
/// "sealed lookup" in base64, the format of SQLiteLabStore.sealedJSON (still sealed: no clear ID).
extension PostgresLabStore {
    static let accountColumns = """
        id, userName, passwordHash, role, customerID, displayName, disabled, createdAt, wearerID, accessGranted
        """

    static let submissionColumns = """
        id, customerID, kind, state, fields::text, nationalIDSealed, nationalIDLookup, submitterName, submitterPhone,
        submitterEmail, resumeToken, createdBy, createdAt, updatedAt, sentAt, decidedBy, decidedAt, reason, outcome
        """

    static let agreementColumns = """
        id, state, fields::text, nationalIDs::text, submitterName, submitterPhone, submitterEmail, resumeToken, createdAt,
        updatedAt, sentAt, decidedBy, decidedAt, reason, outcome, customerID
        """

    static let auditColumns = "id, at, accountID, userName, action, customerID, submissionID, detail"

    static let outboxColumns = "id, at, recipient, subject, body, submissionID"

    // MARK: Accounts

    static func decodeAccount(_ row: PostgresRow) throws -> PortalAccount {
        let (id, userName, hash, roleText, customerID, displayName, disabled, createdAt, wearerID, granted) =
            try row.decode((Int64, String, String, String, String?, String, Bool, Date, Int64?, Bool).self)
        guard let role = PortalRole(rawValue: roleText) else {
            throw LabStoreError.corruptRow(table: "portalAccount", reason: "unknown role \"\(roleText)\"")
        }
        return PortalAccount(
            id: id, userName: userName, passwordHash: hash, role: role, customerID: customerID, displayName: displayName,
            disabled: disabled, createdAt: createdAt, wearerID: wearerID, accessGranted: granted)
    }

    /// The account with this user name (letters A–Z in any case, as SQLite's NOCASE), locked for
    /// update when asked.
    static func account(userName: String, forUpdate: Bool = false, in session: PostgresSession) throws -> PortalAccount? {
        var b = PostgresBindings()
        b.append(userName)
        return try session.query("""
            SELECT \(accountColumns) FROM portalAccount WHERE tld_nocase(userName) = tld_nocase($1)\(forUpdate ? " FOR UPDATE" : "")
            """, b).first.map(decodeAccount)
    }

    static func account(id: Int64, forUpdate: Bool = false, in session: PostgresSession) throws -> PortalAccount? {
        var b = PostgresBindings()
        b.append(id)
        return try session.query("SELECT \(accountColumns) FROM portalAccount WHERE id = $1\(forUpdate ? " FOR UPDATE" : "")", b)
            .first.map(decodeAccount)
    }

    // MARK: Submissions

    static func decodeSubmission(_ row: PostgresRow) throws -> PortalSubmission {
        let (id, customerID, kindText, stateText, fieldsText, sealed, lookup, name, phone, email, token, createdBy, createdAt,
             updatedAt, sentAt, decidedBy, decidedAt, reason, outcome) = try row.decode(
            (Int64, String, String, String, String, Data?, Data?, String, String, String, String, Int64, Date, Date, Date?,
             Int64?, Date?, String, String).self)
        guard let kind = SubmissionKind(rawValue: kindText), let state = SubmissionState(rawValue: stateText) else {
            throw LabStoreError.corruptRow(table: "portalSubmission", reason: "unknown kind or state")
        }
        return PortalSubmission(
            id: id, customerID: customerID, kind: kind, state: state, fields: try fields(fieldsText, table: "portalSubmission"),
            nationalID: sealed.flatMap { s in lookup.map { ProtectedNationalID(sealed: s, lookup: $0) } },
            submitterName: name, submitterPhone: phone, submitterEmail: email, resumeToken: token, createdBy: createdBy,
            createdAt: createdAt, updatedAt: updatedAt, sentAt: sentAt, decidedBy: decidedBy, decidedAt: decidedAt,
            reason: reason, outcome: outcome)
    }

    static func submission(id: Int64, forUpdate: Bool = false, in session: PostgresSession) throws -> PortalSubmission? {
        var b = PostgresBindings()
        b.append(id)
        return try session.query(
            "SELECT \(submissionColumns) FROM portalSubmission WHERE id = $1\(forUpdate ? " FOR UPDATE" : "")", b
        ).first.map(decodeSubmission)
    }

    // MARK: Agreement forms

    static func decodeAgreement(_ row: PostgresRow) throws -> PortalAgreement {
        let (id, stateText, fieldsText, idsText, name, phone, email, token, createdAt, updatedAt, sentAt, decidedBy, decidedAt,
             reason, outcome, customerID) = try row.decode(
            (Int64, String, String, String, String, String, String, String, Date, Date, Date?, Int64?, Date?, String, String,
             String?).self)
        guard let state = SubmissionState(rawValue: stateText) else {
            throw LabStoreError.corruptRow(table: "portalAgreement", reason: "unknown state")
        }
        var ids: [String: ProtectedNationalID] = [:]
        for (name, pair) in try fields(idsText, table: "portalAgreement") {
            let parts = pair.split(separator: " ")
            guard parts.count == 2, let sealed = Data(base64Encoded: String(parts[0])), let lookup = Data(base64Encoded: String(parts[1])) else {
                throw LabStoreError.corruptRow(table: "portalAgreement", reason: "a sealed national ID is not base64")
            }
            ids[name] = ProtectedNationalID(sealed: sealed, lookup: lookup)
        }
        return PortalAgreement(
            id: id, state: state, fields: try fields(fieldsText, table: "portalAgreement"), nationalIDs: ids,
            submitterName: name, submitterPhone: phone, submitterEmail: email, resumeToken: token, createdAt: createdAt,
            updatedAt: updatedAt, sentAt: sentAt, decidedBy: decidedBy, decidedAt: decidedAt, reason: reason, outcome: outcome,
            customerID: customerID)
    }

    static func agreement(id: Int64, forUpdate: Bool = false, in session: PostgresSession) throws -> PortalAgreement? {
        var b = PostgresBindings()
        b.append(id)
        return try session.query(
            "SELECT \(agreementColumns) FROM portalAgreement WHERE id = $1\(forUpdate ? " FOR UPDATE" : "")", b
        ).first.map(decodeAgreement)
    }

    // MARK: Audit and outbox

    static func decodeAudit(_ row: PostgresRow) throws -> PortalAuditEntry {
        let (id, at, accountID, userName, action, customerID, submissionID, detail) =
            try row.decode((Int64, Date, Int64?, String, String, String?, Int64?, String).self)
        return PortalAuditEntry(id: id, at: at, accountID: accountID, userName: userName, action: action,
                                customerID: customerID, submissionID: submissionID, detail: detail)
    }

    static func decodeOutbox(_ row: PostgresRow) throws -> PortalOutboxMessage {
        let (id, at, recipient, subject, body, submissionID) = try row.decode((Int64, Date, String, String, String, Int64?).self)
        return PortalOutboxMessage(id: id, at: at, recipient: recipient, subject: subject, body: body, submissionID: submissionID)
    }

    /// Appends one audit line inside the caller's transaction.
    static func appendAudit(_ entry: PortalAuditEntry, in session: PostgresSession) throws {
        var b = PostgresBindings()
        b.append(storedTime(entry.at)); b.append(entry.accountID); b.append(entry.userName); b.append(entry.action)
        b.append(entry.customerID); b.append(entry.submissionID); b.append(entry.detail)
        try session.execute("""
            INSERT INTO portalAudit (at, accountID, userName, action, customerID, submissionID, detail)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, b)
    }

    /// Writes one outbox message inside the caller's transaction.
    static func insertOutbox(_ message: PortalOutboxMessage, in session: PostgresSession) throws {
        var b = PostgresBindings()
        b.append(storedTime(message.at)); b.append(message.recipient); b.append(message.subject); b.append(message.body)
        b.append(message.submissionID)
        try session.execute("INSERT INTO portalOutbox (at, recipient, subject, body, submissionID) VALUES ($1, $2, $3, $4, $5)", b)
    }

    // MARK: Form fields

    /// The fields as a JSON object with sorted keys (as SQLiteLabStore.fieldsJSON writes them).
    static func fieldsJSON(_ fields: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(fields), as: UTF8.self)
    }

    /// An agreement form's sealed IDs: field name → "sealed lookup" in base64.
    static func sealedJSON(_ ids: [String: ProtectedNationalID]) throws -> String {
        try fieldsJSON(ids.mapValues { $0.sealed.base64EncodedString() + " " + $0.lookup.base64EncodedString() })
    }

    static func fields(_ text: String, table: String) throws -> [String: String] {
        do {
            return try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        } catch {
            throw LabStoreError.corruptRow(table: table, reason: "the form fields are not a JSON object of texts")
        }
    }
}
