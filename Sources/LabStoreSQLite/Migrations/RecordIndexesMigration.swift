import GRDB
import LabStore

/// v12-obligations2 (issue 13): indexes the dose record's queries need. A person's record finds their
/// card issues by enrolment, and a dose finds its issue by batch and card; without these each was a
/// scan of every card issue ever made (a person's history in a lab of 100 000 issues, and every level
/// check of a release). Indexes only: nothing is changed in any row.
enum RecordIndexesMigration {
    static let name = "v12-obligations2"

    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX IF NOT EXISTS cardIssue_enrolment ON cardIssue(enrolmentID);
            CREATE INDEX IF NOT EXISTS cardIssue_batchCard ON cardIssue(batchID, cardID) WHERE batchID IS NOT NULL;
            """)
    }
}
