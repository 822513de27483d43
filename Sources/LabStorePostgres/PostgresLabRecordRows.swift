import Foundation
import LabStore
import PostgresNIO

/// The lab-records role's rows beyond master data (card issue, shipment, customer return, return
/// scan) as PostgreSQL rows: column lists and decoders, with the value encodings of
/// PostgresMasterDataRows.swift (days as `to_char(…, 'YYYY-MM-DD')` text, times as `timestamptz`).
extension PostgresLabStore {
    static let issueColumns = """
        id, cardID, enrolmentID, customerID, to_char(periodStart, 'YYYY-MM-DD'), to_char(periodEnd, 'YYYY-MM-DD'),
        issuedAt, shipmentID, returnID, to_char(arrivedOn, 'YYYY-MM-DD'), handedOverToName, batchID
        """

    static let shipmentColumns = "id, customerID, to_char(dispatchedOn, 'YYYY-MM-DD'), createdAt"

    static let returnColumns = "id, customerID, to_char(arrivedOn, 'YYYY-MM-DD'), openedAt, closedAt"

    static let scanColumns = "id, returnID, scannedCode, outcome, message, scannedAt"

    static func decodeIssue(_ row: PostgresRow) throws -> CardIssue {
        let (id, cardID, enrolmentID, customerID, start, end, issuedAt, shipmentID, returnID, arrived, handedOverTo, batchID) =
            try row.decode((Int64, String, Int64, String, String, String, Date, Int64?, Int64?, String?, String?, Int64?).self)
        guard let periodStart = try day(start, table: "cardIssue"), let periodEnd = try day(end, table: "cardIssue") else {
            throw LabStoreError.corruptRow(table: "cardIssue", reason: "issue \(id) without its period")
        }
        return CardIssue(
            id: CardIssue.ID(rawValue: id), cardID: cardID, enrolmentID: Enrolment.ID(rawValue: enrolmentID),
            customerID: customerID, periodStart: periodStart, periodEnd: periodEnd, issuedAt: issuedAt,
            shipmentID: shipmentID.map(Shipment.ID.init(rawValue:)), returnID: returnID.map(CustomerReturn.ID.init(rawValue:)),
            arrivedOn: try day(arrived, table: "cardIssue"), handedOverToName: handedOverTo,
            batchID: batchID.map(ReadoutBatch.ID.init(rawValue:)))
    }

    static func issue(_ id: CardIssue.ID, forUpdate: Bool = false, in session: PostgresSession) throws -> CardIssue? {
        var b = PostgresBindings()
        b.append(id.rawValue)
        return try session.query("SELECT \(issueColumns) FROM cardIssue WHERE id = $1\(forUpdate ? " FOR UPDATE" : "")", b)
            .first.map(decodeIssue)
    }

    static func decodeShipment(_ row: PostgresRow) throws -> Shipment {
        let (id, customerID, dispatched, createdAt) = try row.decode((Int64, String, String, Date).self)
        guard let dispatchedOn = try day(dispatched, table: "shipment") else {
            throw LabStoreError.corruptRow(table: "shipment", reason: "shipment \(id) without its day")
        }
        return Shipment(id: Shipment.ID(rawValue: id), customerID: customerID, dispatchedOn: dispatchedOn, createdAt: createdAt)
    }

    static func decodeReturn(_ row: PostgresRow) throws -> CustomerReturn {
        let (id, customerID, arrived, openedAt, closedAt) = try row.decode((Int64, String, String, Date, Date?).self)
        guard let arrivedOn = try day(arrived, table: "customerReturn") else {
            throw LabStoreError.corruptRow(table: "customerReturn", reason: "return \(id) without its arrival day")
        }
        return CustomerReturn(
            id: CustomerReturn.ID(rawValue: id), customerID: customerID, arrivedOn: arrivedOn, openedAt: openedAt, closedAt: closedAt)
    }

    static func decodeScan(_ row: PostgresRow) throws -> ReturnScan {
        let (id, returnID, code, outcome, message, scannedAt) = try row.decode((Int64, Int64, String, String, String, Date).self)
        return ReturnScan(
            id: ReturnScan.ID(rawValue: id), returnID: CustomerReturn.ID(rawValue: returnID), scannedCode: code,
            outcome: outcome, message: message, scannedAt: scannedAt)
    }

    // MARK: Card moves

    /// The card, locked for this transaction, or ``LabStoreError/cardNotFound(_:)``.
    static func existingCard(_ id: String, in session: PostgresSession) throws -> Card {
        guard let card = try card(id, forUpdate: true, in: session) else { throw LabStoreError.cardNotFound(id) }
        return card
    }

    /// Moves a card to `state`, checking the move in code first (the trigger checks it again), as
    /// SQLiteLabStore.move(_:to:at:step:in:set:arguments:) does; `set` gives more id columns to set
    /// (`currentIssueID`, `lastBatchID`), nil for NULL.
    static func move(
        _ card: Card, to state: CardState, at date: Date, step: String, in session: PostgresSession,
        set extra: [(column: String, value: Int64?)] = []
    ) throws {
        guard card.state.canMove(to: state) else {
            throw LabStoreError.cardInWrongState(cardID: card.id, state: card.state, step: step)
        }
        var b = PostgresBindings()
        b.append(state.rawValue); b.append(date); b.append(card.id)
        var assignments = ""
        for (offset, column) in extra.enumerated() {
            assignments += ", \(column.column) = $\(offset + 4)"
            b.append(column.value)
        }
        try session.execute("UPDATE card SET state = $1, stateChangedAt = $2\(assignments) WHERE id = $3", b)
    }
}
