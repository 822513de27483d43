import Foundation
import LabStore
import PostgresNIO

/// The batch manifest on PostgreSQL (the SQLite twin: SQLiteLabStore+Manifest.swift).
extension PostgresLabStore {
    static let manifestColumns = """
        batchID, cardID, role, annealedAt, deliveredHp10MilliSievert, deliveredHp007MilliSievert,
        referenceField, issueID, dosimeterType, unexpected
        """

    public func saveManifest(_ cards: [BatchCard]) throws(LabStoreError) {
        for c in cards {
            try StoreValidation.finite(c.deliveredHp10MilliSievert, field: "deliveredHp10MilliSievert")
            try StoreValidation.finite(c.deliveredHp007MilliSievert, field: "deliveredHp007MilliSievert")
        }
        guard !cards.isEmpty else { return }
        try transaction("save batch manifest") { session in
            for c in cards {
                var b = PostgresBindings()
                b.append(c.batchID.rawValue); b.append(c.cardID); b.append(c.role.rawValue); b.append(c.annealedAt.map(storedTime))
                b.append(c.deliveredHp10MilliSievert); b.append(c.deliveredHp007MilliSievert); b.append(c.referenceField)
                b.append(c.issueID?.rawValue); b.append(c.dosimeterType?.rawValue); b.append(c.unexpected)
                // ON CONFLICT on the key only: a row already recorded is kept as it is, while a CHECK
                // violation still fails (as SQLite's "insert unless it exists").
                try session.execute("""
                    INSERT INTO batchCard (\(Self.manifestColumns))
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                    ON CONFLICT (batchID, cardID) DO NOTHING
                    """, b)
            }
        }
    }

    public func manifest(batch: ReadoutBatch.ID) throws(LabStoreError) -> [BatchCard] {
        try withSession("read batch manifest") { session in
            var b = PostgresBindings()
            b.append(batch.rawValue)
            // COLLATE "C": ordered by code point, as SQLite's BINARY collation orders card IDs.
            return try session.query(
                "SELECT \(Self.manifestColumns) FROM batchCard WHERE batchID = $1 ORDER BY cardID COLLATE \"C\"", b)
                .map(Self.decodeBatchCard)
        }
    }

    public func manifestCard(batch: ReadoutBatch.ID, card: String) throws(LabStoreError) -> BatchCard? {
        try withSession("read batch manifest row") { session in
            var b = PostgresBindings()
            b.append(batch.rawValue); b.append(card)
            return try session.query("SELECT \(Self.manifestColumns) FROM batchCard WHERE batchID = $1 AND cardID = $2", b)
                .first.map(Self.decodeBatchCard)
        }
    }

    static func decodeBatchCard(_ row: PostgresRow) throws -> BatchCard {
        let (batchID, cardID, role, annealedAt, hp10, hp007, field, issueID, type, unexpected) = try row.decode(
            (Int64, String, String, Date?, Double?, Double?, String?, Int64?, String?, Bool).self)
        guard let role = BatchCard.Role(rawValue: role) else {
            throw LabStoreError.corruptRow(table: "batchCard", reason: "unknown role \(role)")
        }
        let dosimeterType: DosimeterType?
        if let type {
            guard let known = DosimeterType(rawValue: type) else {
                throw LabStoreError.corruptRow(table: "batchCard", reason: "unknown dosimeter type \(type)")
            }
            dosimeterType = known
        } else {
            dosimeterType = nil
        }
        return BatchCard(
            batchID: ReadoutBatch.ID(rawValue: batchID), cardID: cardID, role: role, annealedAt: annealedAt,
            deliveredHp10MilliSievert: hp10, deliveredHp007MilliSievert: hp007, referenceField: field,
            issueID: issueID.map { CardIssue.ID(rawValue: $0) }, dosimeterType: dosimeterType, unexpected: unexpected)
    }
}
