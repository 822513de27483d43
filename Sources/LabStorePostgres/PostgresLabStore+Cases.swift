import Foundation
import LabStore
import PostgresNIO

/// Monitoring-level cases, their investigations and authority notifications on PostgreSQL
/// (``CaseStore``; the SQLite twin is SQLiteLabStore+Cases.swift): the same checks in the same order,
/// the same refusals and orders. The `v15-pgschema15-cases` triggers refuse what SQLite's refuse.
///
/// SQLite has one writer, so "find the row, else insert it" cannot run twice at once. Here two benches
/// releasing doses of the same person may check the same level at the same moment, so:
/// - a case is inserted with `ON CONFLICT (personLookup, kind, periodKey) DO NOTHING`: the second
///   insert waits for the first to commit and then finds its row (one case per person, kind and period);
/// - notifications are numbered under a table lock (SHARE ROW EXCLUSIVE: readers go on, a second
///   raiser waits), so the count of the year's numbers is exact and a case raised twice at once finds
///   the first notification once the lock is its turn;
/// - closing a case, recording its investigation and marking its notification sent lock the row they
///   check (`FOR UPDATE`) before they check it.
extension PostgresLabStore: CaseStore {
    static let levelCaseColumns = """
        id, personLookup, kind, periodKey, customerID, wearerID, doseID, valueMilliSievert, levelMilliSievert,
        to_char(openedOn, 'YYYY-MM-DD'), openedAt, to_char(deadline, 'YYYY-MM-DD'), closedAt, closedBy
        """

    static let investigationColumns = """
        caseID, personalDose, apronWorn, refinedEffectiveMilliSievert, refinedMethod, causes, actions, workerInformedBy,
        to_char(workerInformedOn, 'YYYY-MM-DD'), recordedBy, recordedAt
        """

    static let notificationColumns = """
        id, caseID, reportNumber, to_char(raisedOn, 'YYYY-MM-DD'), raisedAt, sentAt, sentBy, sentHow
        """

    public func currentDoseIDs() throws(LabStoreError) -> [DoseResult.ID] {
        try withSession("list current doses") { session in
            try session.query("SELECT id FROM doseResult WHERE supersededAt IS NULL ORDER BY id")
                .map { DoseResult.ID(rawValue: try $0.decode(Int64.self)) }
        }
    }

    public func openCase(_ levelCase: LevelCase) throws(LabStoreError) -> (levelCase: LevelCase, isNew: Bool) {
        try transaction("open a case") { session -> (levelCase: LevelCase, isNew: Bool) in
            var key = PostgresBindings()
            try key.append(levelCase.personLookup); key.append(levelCase.kind.rawValue); key.append(levelCase.periodKey)
            if let existing = try Self.levelCase(key: key, in: session) { return (existing, false) }
            var b = key
            b.append(levelCase.customerID); b.append(levelCase.wearerID.rawValue); b.append(levelCase.doseID.rawValue)
            b.append(levelCase.valueMilliSievert); b.append(levelCase.levelMilliSievert); b.append(levelCase.openedOn.description)
            b.append(storedTime(levelCase.openedAt)); b.append(levelCase.deadline.description)
            b.append(levelCase.closedAt.map(storedTime)); b.append(levelCase.closedBy)
            // A second bench opening the same case at once waits here for the first to commit, then
            // inserts nothing and reads the first's row.
            if let row = try session.query("""
                INSERT INTO levelCase (personLookup, kind, periodKey, customerID, wearerID, doseID, valueMilliSievert, levelMilliSievert,
                    openedOn, openedAt, deadline, closedAt, closedBy)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::date, $10, $11::date, $12, $13)
                ON CONFLICT (personLookup, kind, periodKey) DO NOTHING
                RETURNING \(Self.levelCaseColumns)
                """, b).first {
                return (try Self.decodeLevelCase(row), true)
            }
            guard let existing = try Self.levelCase(key: key, in: session) else {
                throw LabStoreError.unexpected(operation: "open a case", message: "the case that conflicted is not there")
            }
            return (existing, false)
        }
    }

    public func markLevelsChecked(dose: DoseResult.ID) throws(LabStoreError) {
        let at = storedTime(now())
        try withSession("mark a dose's levels checked") { session in
            var b = PostgresBindings()
            b.append(dose.rawValue); b.append(at)
            try session.execute("INSERT INTO doseLevelCheck (doseID, checkedAt) VALUES ($1, $2) ON CONFLICT (doseID) DO NOTHING", b)
        }
    }

    public func releasedDosesNotChecked() throws(LabStoreError) -> [DoseResult.ID] {
        try withSession("list doses not checked") { session in
            try session.query("""
                SELECT d.id FROM doseResult d LEFT JOIN doseLevelCheck c ON c.doseID = d.id
                WHERE d.state = 'released' AND d.supersededAt IS NULL AND c.doseID IS NULL ORDER BY d.id
                """).map { DoseResult.ID(rawValue: try $0.decode(Int64.self)) }
        }
    }

    public func updateCaseDose(caseID: LevelCase.ID, doseID: DoseResult.ID, valueMilliSievert: Double) throws(LabStoreError) {
        try StoreValidation.finite(valueMilliSievert, field: "valueMilliSievert")
        try withSession("update a case's dose") { session in
            var b = PostgresBindings()
            b.append(doseID.rawValue); b.append(valueMilliSievert); b.append(caseID.rawValue)
            try session.execute("UPDATE levelCase SET doseID = $1, valueMilliSievert = $2 WHERE id = $3 AND closedAt IS NULL", b)
        }
    }

    public func raiseNotification(caseID: LevelCase.ID, on day: CalendarDay) throws(LabStoreError) -> (notification: AuthorityNotification, isNew: Bool) {
        let at = storedTime(now())
        return try transaction("raise a notification") { session -> (notification: AuthorityNotification, isNew: Bool) in
            // One raiser at a time (SQLite's single writer): the year's count below is exact, and a
            // second raiser of the same case finds this one's row once it committed.
            try session.execute("LOCK TABLE authorityNotification IN SHARE ROW EXCLUSIVE MODE")
            if let existing = try Self.notification(caseID: caseID, in: session) { return (existing, false) }
            let year = String(day.description.prefix(4))
            var pattern = PostgresBindings()
            pattern.append("N-\(year)-%")
            let count = try session.query("SELECT count(*) FROM authorityNotification WHERE reportNumber LIKE $1", pattern)
                .first?.decode(Int64.self) ?? 0
            let number = "N-\(year)-" + String(format: "%04d", count + 1)
            var b = PostgresBindings()
            b.append(caseID.rawValue); b.append(number); b.append(day.description); b.append(at)
            guard let row = try session.query("""
                INSERT INTO authorityNotification (caseID, reportNumber, raisedOn, raisedAt) VALUES ($1, $2, $3::date, $4)
                RETURNING \(Self.notificationColumns)
                """, b).first else { throw LabStoreError.unexpected(operation: "raise a notification", message: "no row returned") }
            return (try Self.decodeNotification(row), true)
        }
    }

    public func levelCase(id: LevelCase.ID) throws(LabStoreError) -> LevelCase? {
        try withSession("read a case") { session in try Self.levelCase(id: id, in: session) }
    }

    public func levelCases(includeClosed: Bool, customerID: String?) throws(LabStoreError) -> [LevelCase] {
        try withSession("list cases") { session in
            var b = PostgresBindings()
            b.append(includeClosed); b.append(customerID)
            return try session.query("""
                SELECT \(Self.levelCaseColumns) FROM levelCase
                WHERE ($1 OR closedAt IS NULL) AND ($2::text IS NULL OR customerID = $2::text)
                ORDER BY deadline, id
                """, b).map(Self.decodeLevelCase)
        }
    }

    public func investigation(caseID: LevelCase.ID) throws(LabStoreError) -> CaseInvestigation? {
        try withSession("read an investigation") { session in try Self.investigation(caseID: caseID, in: session) }
    }

    public func recordInvestigation(_ update: CaseInvestigation) throws(LabStoreError) -> CaseInvestigation {
        if let e = update.refinedEffectiveMilliSievert {
            try StoreValidation.finite(e, field: "refinedEffectiveMilliSievert")
            guard e >= 0, e <= 10_000 else { throw .invalidRecord("the refined effective dose must be between 0 and 10 000 mSv, not \(e)") }
        }
        return try transaction("record an investigation") { session -> CaseInvestigation in
            // The case row is locked: a close of the same case waits for this record (or this for the close).
            guard let c = try Self.levelCase(id: update.caseID, in: session, lock: "FOR UPDATE") else {
                throw LabStoreError.invalidRecord("no case \(update.caseID.rawValue)")
            }
            guard c.isOpen else { throw LabStoreError.invalidRecord("case \(update.caseID.rawValue) is closed: its investigation never changes") }
            var merged = try Self.investigation(caseID: update.caseID, in: session).map { $0.merged(with: update) } ?? update
            merged.recordedAt = storedTime(merged.recordedAt)
            var b = PostgresBindings()
            b.append(merged.caseID.rawValue); b.append(merged.personalDose); b.append(merged.apronWorn)
            b.append(merged.refinedEffectiveMilliSievert); b.append(merged.refinedMethod); b.append(merged.causes); b.append(merged.actions)
            b.append(merged.workerInformedBy); b.append(merged.workerInformedOn?.description); b.append(merged.recordedBy)
            b.append(merged.recordedAt)
            try session.execute("""
                INSERT INTO caseInvestigation (caseID, personalDose, apronWorn, refinedEffectiveMilliSievert, refinedMethod, causes, actions,
                    workerInformedBy, workerInformedOn, recordedBy, recordedAt)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::date, $10, $11)
                ON CONFLICT (caseID) DO UPDATE SET personalDose = EXCLUDED.personalDose, apronWorn = EXCLUDED.apronWorn,
                    refinedEffectiveMilliSievert = EXCLUDED.refinedEffectiveMilliSievert, refinedMethod = EXCLUDED.refinedMethod,
                    causes = EXCLUDED.causes, actions = EXCLUDED.actions, workerInformedBy = EXCLUDED.workerInformedBy,
                    workerInformedOn = EXCLUDED.workerInformedOn, recordedBy = EXCLUDED.recordedBy, recordedAt = EXCLUDED.recordedAt
                """, b)
            return merged
        }
    }

    public func closeCase(id: LevelCase.ID, by who: String) throws(LabStoreError) -> LevelCase {
        let at = storedTime(now())
        return try transaction("close a case") { session -> LevelCase in
            guard let c = try Self.levelCase(id: id, in: session, lock: "FOR UPDATE") else { throw LabStoreError.invalidRecord("no case \(id.rawValue)") }
            guard c.isOpen else { throw LabStoreError.invalidRecord("case \(id.rawValue) is closed already") }
            let missing = try Self.investigation(caseID: id, in: session)?.missing
                ?? CaseInvestigation(caseID: id, recordedBy: "", recordedAt: at).missing
            guard missing.isEmpty else {
                throw LabStoreError.invalidRecord("case \(id.rawValue) cannot close: its investigation lacks \(missing.joined(separator: "; "))")
            }
            if let n = try Self.notification(caseID: id, in: session), !n.isSent {
                throw LabStoreError.invalidRecord("case \(id.rawValue) cannot close: notification \(n.reportNumber) is not marked sent (tld notifications mark-sent)")
            }
            var b = PostgresBindings()
            b.append(at); b.append(who); b.append(id.rawValue)
            guard let row = try session.query(
                "UPDATE levelCase SET closedAt = $1, closedBy = $2 WHERE id = $3 RETURNING \(Self.levelCaseColumns)", b).first else {
                throw LabStoreError.invalidRecord("no case \(id.rawValue)")
            }
            return try Self.decodeLevelCase(row)
        }
    }

    public func notifications(unsentOnly: Bool) throws(LabStoreError) -> [AuthorityNotification] {
        try withSession("list notifications") { session in
            var b = PostgresBindings()
            b.append(unsentOnly)
            return try session.query(
                "SELECT \(Self.notificationColumns) FROM authorityNotification WHERE NOT $1 OR sentAt IS NULL ORDER BY id", b)
                .map(Self.decodeNotification)
        }
    }

    public func notification(id: AuthorityNotification.ID) throws(LabStoreError) -> AuthorityNotification? {
        try withSession("read a notification") { session in try Self.notification(id: id, in: session) }
    }

    public func notification(caseID: LevelCase.ID) throws(LabStoreError) -> AuthorityNotification? {
        try withSession("read a notification") { session in try Self.notification(caseID: caseID, in: session) }
    }

    public func markNotificationSent(id: AuthorityNotification.ID, by who: String, how: NotificationChannel, at: Date) throws(LabStoreError) -> AuthorityNotification {
        try transaction("mark a notification sent") { session -> AuthorityNotification in
            // Locked: two desks marking the same notification take turns; the second is told it is sent.
            guard let n = try Self.notification(id: id, in: session, lock: "FOR UPDATE") else {
                throw LabStoreError.invalidRecord("no notification \(id.rawValue)")
            }
            guard !n.isSent else { throw LabStoreError.invalidRecord("notification \(n.reportNumber) is marked sent already") }
            var b = PostgresBindings()
            b.append(storedTime(at)); b.append(who); b.append(how.rawValue); b.append(id.rawValue)
            guard let row = try session.query("""
                UPDATE authorityNotification SET sentAt = $1, sentBy = $2, sentHow = $3 WHERE id = $4 RETURNING \(Self.notificationColumns)
                """, b).first else { throw LabStoreError.invalidRecord("no notification \(id.rawValue)") }
            return try Self.decodeNotification(row)
        }
    }

    public func recordAnnualReview(customerID: String, year: Int, by who: String) throws(LabStoreError) {
        let at = storedTime(now())
        try withSession("record an annual review") { session in
            var b = PostgresBindings()
            b.append(customerID); b.append(year); b.append(at); b.append(who)
            // The first time counts (SQLite's INSERT OR IGNORE).
            try session.execute("""
                INSERT INTO annualReview (customerID, year, writtenAt, writtenBy) VALUES ($1, $2, $3, $4)
                ON CONFLICT (customerID, year) DO NOTHING
                """, b)
        }
    }

    public func annualReviewsWritten(year: Int) throws(LabStoreError) -> [String: Date] {
        try withSession("list annual reviews") { session in
            var b = PostgresBindings()
            b.append(year)
            var out: [String: Date] = [:]
            for row in try session.query("SELECT customerID, writtenAt FROM annualReview WHERE year = $1", b) {
                let (customerID, writtenAt) = try row.decode((String, Date).self)
                out[customerID] = writtenAt
            }
            return out
        }
    }

    // MARK: Rows

    static func levelCase(id: LevelCase.ID, in session: PostgresSession, lock: String = "") throws -> LevelCase? {
        var b = PostgresBindings()
        b.append(id.rawValue)
        return try session.query("SELECT \(levelCaseColumns) FROM levelCase WHERE id = $1 \(lock)", b).first.map(decodeLevelCase)
    }

    /// The case of `key` (look-up hash, kind, period key), if any.
    static func levelCase(key: PostgresBindings, in session: PostgresSession) throws -> LevelCase? {
        try session.query("SELECT \(levelCaseColumns) FROM levelCase WHERE personLookup = $1 AND kind = $2 AND periodKey = $3", key)
            .first.map(decodeLevelCase)
    }

    static func investigation(caseID: LevelCase.ID, in session: PostgresSession) throws -> CaseInvestigation? {
        var b = PostgresBindings()
        b.append(caseID.rawValue)
        return try session.query("SELECT \(investigationColumns) FROM caseInvestigation WHERE caseID = $1", b).first.map(decodeInvestigation)
    }

    static func notification(id: AuthorityNotification.ID, in session: PostgresSession, lock: String = "") throws -> AuthorityNotification? {
        var b = PostgresBindings()
        b.append(id.rawValue)
        return try session.query("SELECT \(notificationColumns) FROM authorityNotification WHERE id = $1 \(lock)", b)
            .first.map(decodeNotification)
    }

    static func notification(caseID: LevelCase.ID, in session: PostgresSession) throws -> AuthorityNotification? {
        var b = PostgresBindings()
        b.append(caseID.rawValue)
        return try session.query("SELECT \(notificationColumns) FROM authorityNotification WHERE caseID = $1", b)
            .first.map(decodeNotification)
    }

    static func decodeLevelCase(_ row: PostgresRow) throws -> LevelCase {
        let (id, lookup, kindText, periodKey, customerID, wearerID, doseID, value, level, opened, openedAt, due, closedAt, closedBy) =
            try row.decode((Int64, Data, String, String, String, Int64, Int64, Double, Double, String, Date, String, Date?, String?).self)
        guard let kind = CaseKind(rawValue: kindText) else {
            throw LabStoreError.corruptRow(table: "levelCase", reason: "unknown kind \(kindText)")
        }
        guard let openedOn = try day(opened, table: "levelCase"), let deadline = try day(due, table: "levelCase") else {
            throw LabStoreError.corruptRow(table: "levelCase", reason: "case \(id) without its days")
        }
        return LevelCase(
            id: LevelCase.ID(rawValue: id), personLookup: lookup, kind: kind, periodKey: periodKey, customerID: customerID,
            wearerID: Wearer.ID(rawValue: wearerID), doseID: DoseResult.ID(rawValue: doseID), valueMilliSievert: value,
            levelMilliSievert: level, openedOn: openedOn, openedAt: openedAt, deadline: deadline, closedAt: closedAt, closedBy: closedBy)
    }

    static func decodeInvestigation(_ row: PostgresRow) throws -> CaseInvestigation {
        let (caseID, personal, apron, refined, method, causes, actions, informedBy, informedOn, recordedBy, recordedAt) = try row.decode(
            (Int64, Bool?, Bool?, Double?, String?, String?, String?, String?, String?, String, Date).self)
        return CaseInvestigation(
            caseID: LevelCase.ID(rawValue: caseID), personalDose: personal, apronWorn: apron, refinedEffectiveMilliSievert: refined,
            refinedMethod: method, causes: causes, actions: actions, workerInformedBy: informedBy,
            workerInformedOn: try day(informedOn, table: "caseInvestigation"), recordedBy: recordedBy, recordedAt: recordedAt)
    }

    static func decodeNotification(_ row: PostgresRow) throws -> AuthorityNotification {
        let (id, caseID, number, raised, raisedAt, sentAt, sentBy, howText) =
            try row.decode((Int64, Int64, String, String, Date, Date?, String?, String?).self)
        guard let raisedOn = try day(raised, table: "authorityNotification") else {
            throw LabStoreError.corruptRow(table: "authorityNotification", reason: "notification \(id) without its day")
        }
        var how: NotificationChannel?
        if let howText {
            guard let channel = NotificationChannel(rawValue: howText) else {
                throw LabStoreError.corruptRow(table: "authorityNotification", reason: "unknown channel \(howText)")
            }
            how = channel
        }
        return AuthorityNotification(
            id: AuthorityNotification.ID(rawValue: id), caseID: LevelCase.ID(rawValue: caseID), reportNumber: number, raisedOn: raisedOn,
            raisedAt: raisedAt, sentAt: sentAt, sentBy: sentBy, sentHow: how)
    }
}
