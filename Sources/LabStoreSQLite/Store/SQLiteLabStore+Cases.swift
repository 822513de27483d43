import Foundation
import GRDB
import LabStore

extension SQLiteLabStore: CaseStore {
    public func currentDoseIDs() throws(LabStoreError) -> [DoseResult.ID] {
        try read("list current doses", table: DoseResult.databaseTableName) { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM doseResult WHERE supersededAt IS NULL ORDER BY id").map { DoseResult.ID(rawValue: $0) }
        }
    }

    public func openCase(_ levelCase: LevelCase) throws(LabStoreError) -> (levelCase: LevelCase, isNew: Bool) {
        try write("open a case", table: LevelCase.databaseTableName) { db in
            if let existing = try LevelCase.filter(Column("personLookup") == levelCase.personLookup && Column("kind") == levelCase.kind
                                                   && Column("periodKey") == levelCase.periodKey).fetchOne(db) {
                return (existing, false)
            }
            var row = levelCase
            try row.insert(db)
            return (try Self.refetch(LevelCase.self, id: row.id, in: db), true)
        }
    }

    public func markLevelsChecked(dose: DoseResult.ID) throws(LabStoreError) {
        let at = now()
        try write("mark a dose's levels checked", table: "doseLevelCheck") { db in
            try db.execute(sql: "INSERT OR IGNORE INTO doseLevelCheck (doseID, checkedAt) VALUES (?, ?)", arguments: [dose, at])
        }
    }

    public func releasedDosesNotChecked() throws(LabStoreError) -> [DoseResult.ID] {
        try read("list doses not checked", table: "doseLevelCheck") { db in
            try Int64.fetchAll(db, sql: """
                SELECT d.id FROM doseResult d LEFT JOIN doseLevelCheck c ON c.doseID = d.id
                WHERE d.state = 'released' AND d.supersededAt IS NULL AND c.doseID IS NULL ORDER BY d.id
                """).map { DoseResult.ID(rawValue: $0) }
        }
    }

    public func updateCaseDose(caseID: LevelCase.ID, doseID: DoseResult.ID, valueMilliSievert: Double) throws(LabStoreError) {
        try StoreValidation.finite(valueMilliSievert, field: "valueMilliSievert")
        try write("update a case's dose", table: LevelCase.databaseTableName) { db in
            try db.execute(sql: "UPDATE levelCase SET doseID = ?, valueMilliSievert = ? WHERE id = ? AND closedAt IS NULL",
                           arguments: [doseID, valueMilliSievert, caseID])
        }
    }

    public func raiseNotification(caseID: LevelCase.ID, on day: CalendarDay) throws(LabStoreError) -> (notification: AuthorityNotification, isNew: Bool) {
        let at = now()
        return try write("raise a notification", table: AuthorityNotification.databaseTableName) { db in
            if let existing = try AuthorityNotification.filter(Column("caseID") == caseID).fetchOne(db) { return (existing, false) }
            let year = String(day.description.prefix(4))
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM authorityNotification WHERE reportNumber LIKE ?", arguments: ["N-\(year)-%"]) ?? 0
            let number = "N-\(year)-" + String(format: "%04d", count + 1)
            var row = AuthorityNotification(caseID: caseID, reportNumber: number, raisedOn: day, raisedAt: at)
            try row.insert(db)
            return (try Self.refetch(AuthorityNotification.self, id: row.id, in: db), true)
        }
    }

    public func levelCase(id: LevelCase.ID) throws(LabStoreError) -> LevelCase? {
        try read("read a case", table: LevelCase.databaseTableName) { db in try LevelCase.fetchOne(db, key: id) }
    }

    public func levelCases(includeClosed: Bool, customerID: String?) throws(LabStoreError) -> [LevelCase] {
        try read("list cases", table: LevelCase.databaseTableName) { db in
            var request = LevelCase.all()
            if !includeClosed { request = request.filter(Column("closedAt") == nil) }
            if let customerID { request = request.filter(Column("customerID") == customerID) }
            return try request.order(Column("deadline"), Column("id")).fetchAll(db)
        }
    }

    public func investigation(caseID: LevelCase.ID) throws(LabStoreError) -> CaseInvestigation? {
        try read("read an investigation", table: CaseInvestigation.databaseTableName) { db in try CaseInvestigation.fetchOne(db, key: caseID) }
    }

    public func recordInvestigation(_ update: CaseInvestigation) throws(LabStoreError) -> CaseInvestigation {
        if let e = update.refinedEffectiveMilliSievert {
            try StoreValidation.finite(e, field: "refinedEffectiveMilliSievert")
            guard e >= 0, e <= 10_000 else { throw .invalidRecord("the refined effective dose must be between 0 and 10 000 mSv, not \(e)") }
        }
        return try write("record an investigation", table: CaseInvestigation.databaseTableName) { db in
            guard let c = try LevelCase.fetchOne(db, key: update.caseID) else { throw LabStoreError.invalidRecord("no case \(update.caseID.rawValue)") }
            guard c.isOpen else { throw LabStoreError.invalidRecord("case \(update.caseID.rawValue) is closed: its investigation never changes") }
            let merged = try CaseInvestigation.fetchOne(db, key: update.caseID).map { $0.merged(with: update) } ?? update
            try merged.save(db)
            return merged
        }
    }

    public func closeCase(id: LevelCase.ID, by who: String) throws(LabStoreError) -> LevelCase {
        let at = now()
        return try write("close a case", table: LevelCase.databaseTableName) { db in
            guard var c = try LevelCase.fetchOne(db, key: id) else { throw LabStoreError.invalidRecord("no case \(id.rawValue)") }
            guard c.isOpen else { throw LabStoreError.invalidRecord("case \(id.rawValue) is closed already") }
            let missing = try CaseInvestigation.fetchOne(db, key: id)?.missing ?? CaseInvestigation(caseID: id, recordedBy: "", recordedAt: at).missing
            guard missing.isEmpty else {
                throw LabStoreError.invalidRecord("case \(id.rawValue) cannot close: its investigation lacks \(missing.joined(separator: "; "))")
            }
            if let n = try AuthorityNotification.filter(Column("caseID") == id).fetchOne(db), !n.isSent {
                throw LabStoreError.invalidRecord("case \(id.rawValue) cannot close: notification \(n.reportNumber) is not marked sent (tld notifications mark-sent)")
            }
            c.closedAt = at
            c.closedBy = who
            try c.update(db)
            return try Self.refetch(LevelCase.self, id: id, in: db)
        }
    }

    public func notifications(unsentOnly: Bool) throws(LabStoreError) -> [AuthorityNotification] {
        try read("list notifications", table: AuthorityNotification.databaseTableName) { db in
            var request = AuthorityNotification.all()
            if unsentOnly { request = request.filter(Column("sentAt") == nil) }
            return try request.order(Column("id")).fetchAll(db)
        }
    }

    public func notification(id: AuthorityNotification.ID) throws(LabStoreError) -> AuthorityNotification? {
        try read("read a notification", table: AuthorityNotification.databaseTableName) { db in try AuthorityNotification.fetchOne(db, key: id) }
    }

    public func notification(caseID: LevelCase.ID) throws(LabStoreError) -> AuthorityNotification? {
        try read("read a notification", table: AuthorityNotification.databaseTableName) { db in
            try AuthorityNotification.filter(Column("caseID") == caseID).fetchOne(db)
        }
    }

    public func markNotificationSent(id: AuthorityNotification.ID, by who: String, how: NotificationChannel, at: Date) throws(LabStoreError) -> AuthorityNotification {
        try write("mark a notification sent", table: AuthorityNotification.databaseTableName) { db in
            guard var n = try AuthorityNotification.fetchOne(db, key: id) else { throw LabStoreError.invalidRecord("no notification \(id.rawValue)") }
            guard !n.isSent else { throw LabStoreError.invalidRecord("notification \(n.reportNumber) is marked sent already") }
            n.sentAt = at
            n.sentBy = who
            n.sentHow = how
            try n.update(db)
            return try Self.refetch(AuthorityNotification.self, id: id, in: db)
        }
    }

    public func recordAnnualReview(customerID: String, year: Int, by who: String) throws(LabStoreError) {
        let at = now()
        try write("record an annual review", table: "annualReview") { db in
            try db.execute(sql: "INSERT OR IGNORE INTO annualReview (customerID, year, writtenAt, writtenBy) VALUES (?, ?, ?, ?)",
                           arguments: [customerID, year, at, who])
        }
    }

    public func annualReviewsWritten(year: Int) throws(LabStoreError) -> [String: Date] {
        try read("list annual reviews", table: "annualReview") { db in
            var out: [String: Date] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT customerID, writtenAt FROM annualReview WHERE year = ?", arguments: [year]) {
                out[row["customerID"]] = row["writtenAt"]
            }
            return out
        }
    }
}
