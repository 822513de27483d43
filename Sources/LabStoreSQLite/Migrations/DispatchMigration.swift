import GRDB
import LabStore

/// Migration `v6-dispatch`: compensation amounts with valid-from dates (DOMAIN.md §3: "compensation
/// at the amount in force on the last on-time return date") and the charges ledger — one row per
/// card sent (at the price in force on the dispatch day) and per compensation that fell due (a card
/// not returned three months after its period, or damaged by the customer). A ledger row is never
/// changed or deleted: a compensation once due is not refunded when the card comes back later.
enum DispatchMigration {
    static let name = "v6-dispatch"

    static func migrate(_ db: Database) throws {
        let types = DosimeterType.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let kinds = ChargeKind.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        try db.execute(sql: """
            CREATE TABLE compensationPrice (
                dosimeterType TEXT NOT NULL CHECK (dosimeterType IN (\(types))),
                validFrom TEXT NOT NULL,
                amountMinorUnits INTEGER NOT NULL CHECK (amountMinorUnits >= 0),
                currency TEXT NOT NULL,
                PRIMARY KEY (dosimeterType, validFrom)
            );

            CREATE TABLE charge (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                customerID TEXT NOT NULL REFERENCES customer(id) ON DELETE RESTRICT,
                kind TEXT NOT NULL CHECK (kind IN (\(kinds))),
                issueID INTEGER NOT NULL REFERENCES cardIssue(id) ON DELETE RESTRICT,
                cardID TEXT NOT NULL,
                dosimeterType TEXT NOT NULL CHECK (dosimeterType IN (\(types))),
                dueOn TEXT NOT NULL,
                priceDay TEXT NOT NULL,
                amountMinorUnits INTEGER NOT NULL CHECK (amountMinorUnits >= 0),
                currency TEXT NOT NULL,
                free INTEGER NOT NULL DEFAULT 0 CHECK (free IN (0, 1)),
                note TEXT NOT NULL DEFAULT '',
                recordedAt DATETIME NOT NULL,
                CHECK (free = 0 OR amountMinorUnits = 0),
                UNIQUE (issueID, kind)
            );
            CREATE INDEX charge_customer ON charge(customerID, dueOn);
            CREATE TRIGGER charge_noUpdate BEFORE UPDATE ON charge
            BEGIN SELECT RAISE(ABORT, 'charge rows are append-only: a charge once due stays'); END;
            CREATE TRIGGER charge_noDelete BEFORE DELETE ON charge
            BEGIN SELECT RAISE(ABORT, 'charge rows are never deleted'); END;
            """)
    }
}
