import GRDB
import LabStore

/// Migration `v5-master-data`: the customer data of DOMAIN.md §3 (company ID, workplace and billing
/// addresses, contact person, invoice channel and reference), the wearer's birth date derived from
/// the national ID, each enrolment's change day and quarter cycle, the reason a card left the stock,
/// and the move `available → retired` (a stock card found damaged). Every new column has a default,
/// so rows written before keep their meaning.
enum MasterDataMigration {
    static let name = "v5-master-data"

    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE customer ADD COLUMN companyID TEXT NOT NULL DEFAULT '';
            ALTER TABLE customer ADD COLUMN workplaceAddress TEXT NOT NULL DEFAULT '';
            ALTER TABLE customer ADD COLUMN billingAddress TEXT NOT NULL DEFAULT '';
            ALTER TABLE customer ADD COLUMN contactName TEXT NOT NULL DEFAULT '';
            ALTER TABLE customer ADD COLUMN invoiceChannel TEXT NOT NULL DEFAULT 'paper'
                CHECK (invoiceChannel IN ('e-invoice', 'email', 'paper'));
            ALTER TABLE customer ADD COLUMN invoiceAddress TEXT NOT NULL DEFAULT '';
            ALTER TABLE customer ADD COLUMN invoiceReference TEXT NOT NULL DEFAULT '';

            ALTER TABLE wearer ADD COLUMN birthDate TEXT;

            -- DOMAIN.md §1: cards change on the 1st or the 15th; 3-month periods on a quarterly cycle.
            ALTER TABLE enrolment ADD COLUMN changeDay INTEGER NOT NULL DEFAULT 1 CHECK (changeDay IN (1, 15));
            ALTER TABLE enrolment ADD COLUMN cycleMonth INTEGER NOT NULL DEFAULT 1 CHECK (cycleMonth BETWEEN 1 AND 3);
            -- The lab's standard cycle for enrolments written before: 3-month cards change on the 15th.
            UPDATE enrolment SET changeDay = 15 WHERE periodLength = 'threeMonths';
            CREATE INDEX enrolment_wearer ON enrolment(wearerID, dosimeterType, periodLength, startDate);

            CREATE TABLE cardRetirement (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                cardID TEXT NOT NULL REFERENCES card(id) ON DELETE RESTRICT,
                fromState TEXT NOT NULL,
                why TEXT NOT NULL CHECK (length(trim(why)) > 0),
                retiredAt DATETIME NOT NULL
            );
            CREATE INDEX cardRetirement_card ON cardRetirement(cardID);
            CREATE TRIGGER cardRetirement_noUpdate BEFORE UPDATE ON cardRetirement
            BEGIN SELECT RAISE(ABORT, 'cardRetirement rows are append-only'); END;
            CREATE TRIGGER cardRetirement_noDelete BEFORE DELETE ON cardRetirement
            BEGIN SELECT RAISE(ABORT, 'cardRetirement rows are never deleted'); END;

            INSERT OR IGNORE INTO cardTransition (fromState, toState) VALUES ('available', 'retired');
            """)
    }
}
