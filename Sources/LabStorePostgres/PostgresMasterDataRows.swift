import Foundation
import LabStore
import PostgresNIO

/// The master-data records (customer, wearer, enrolment, card, card retirement) as PostgreSQL rows:
/// the column lists, bindings and decoders the master-data and national-ID roles share.
///
/// Calendar days are `date` columns; they are bound as `YYYY-MM-DD` text with a `::date` cast and
/// read back with `to_char(…, 'YYYY-MM-DD')`, the text SQLite stores (CalendarDay.swift), so no
/// time zone ever touches a day. Sealed national IDs and look-up hashes are `bytea`, as SQLite's blobs.
extension PostgresLabStore {
    static let customerColumns = """
        id, name, deliveryAddress, contactEmail, companyID, workplaceAddress, billingAddress, contactName,
        invoiceChannel, invoiceAddress, invoiceReference
        """

    static let wearerColumns = "id, customerID, name, nationalIDSealed, nationalIDLookup, to_char(birthDate, 'YYYY-MM-DD')"

    static let enrolmentColumns = """
        id, number, wearerID, customerID, dosimeterType, periodLength, to_char(startDate, 'YYYY-MM-DD'),
        to_char(endDate, 'YYYY-MM-DD'), to_char(orderedOn, 'YYYY-MM-DD'), handedOverFromIssueID, changeDay, cycleMonth
        """

    static let cardColumns = "id, dosimeterType, elementCount, state, stateChangedAt, lastBatchID, currentIssueID"

    static let retirementColumns = "id, cardID, fromState, why, retiredAt"

    // MARK: Customers

    /// $1…$11 in ``customerColumns`` order.
    static func bindings(_ c: Customer) -> PostgresBindings {
        var b = PostgresBindings()
        b.append(c.id); b.append(c.name); b.append(c.deliveryAddress); b.append(c.contactEmail); b.append(c.companyID)
        b.append(c.workplaceAddress); b.append(c.billingAddress); b.append(c.contactName); b.append(c.invoiceChannel.rawValue)
        b.append(c.invoiceAddress); b.append(c.invoiceReference)
        return b
    }

    static func insertCustomer(_ c: Customer, in session: PostgresSession) throws {
        try session.execute(
            "INSERT INTO customer (\(customerColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)", bindings(c))
    }

    static func updateCustomer(_ c: Customer, in session: PostgresSession) throws {
        try session.execute("""
            UPDATE customer SET name = $2, deliveryAddress = $3, contactEmail = $4, companyID = $5, workplaceAddress = $6,
                billingAddress = $7, contactName = $8, invoiceChannel = $9, invoiceAddress = $10, invoiceReference = $11
            WHERE id = $1
            """, bindings(c))
    }

    static func customer(_ id: String, in session: PostgresSession) throws -> Customer? {
        var b = PostgresBindings()
        b.append(id)
        return try session.query("SELECT \(customerColumns) FROM customer WHERE id = $1", b).first.map(decodeCustomer)
    }

    static func decodeCustomer(_ row: PostgresRow) throws -> Customer {
        let (id, name, delivery, email, company, workplace, billing, contact, channel, invoiceAddress, reference) =
            try row.decode((String, String, String, String, String, String, String, String, String, String, String).self)
        guard let invoiceChannel = InvoiceChannel(rawValue: channel) else {
            throw LabStoreError.corruptRow(table: "customer", reason: "unknown invoice channel \"\(channel)\"")
        }
        return Customer(
            id: id, name: name, deliveryAddress: delivery, contactEmail: email, companyID: company, workplaceAddress: workplace,
            billingAddress: billing, contactName: contact, invoiceChannel: invoiceChannel, invoiceAddress: invoiceAddress,
            invoiceReference: reference)
    }

    // MARK: Wearers

    /// Inserts the wearer and returns it with its new id.
    static func insertWearer(_ w: Wearer, in session: PostgresSession) throws -> Wearer {
        var b = PostgresBindings()
        b.append(w.customerID); b.append(w.name); try b.append(w.nationalIDSealed); try b.append(w.nationalIDLookup)
        b.append(w.birthDate?.description)
        guard let row = try session.query("""
            INSERT INTO wearer (customerID, name, nationalIDSealed, nationalIDLookup, birthDate)
            VALUES ($1, $2, $3, $4, $5::date) RETURNING \(wearerColumns)
            """, b).first else { throw LabStoreError.unexpected(operation: "add wearer", message: "no row returned") }
        return try decodeWearer(row)
    }

    /// Writes every column of an existing wearer (as GRDB's `update` does on SQLite).
    static func updateWearer(_ w: Wearer, id: Wearer.ID, in session: PostgresSession) throws {
        var b = PostgresBindings()
        b.append(id.rawValue); b.append(w.customerID); b.append(w.name); try b.append(w.nationalIDSealed)
        try b.append(w.nationalIDLookup); b.append(w.birthDate?.description)
        try session.execute("""
            UPDATE wearer SET customerID = $2, name = $3, nationalIDSealed = $4, nationalIDLookup = $5, birthDate = $6::date
            WHERE id = $1
            """, b)
    }

    static func decodeWearer(_ row: PostgresRow) throws -> Wearer {
        let (id, customerID, name, sealed, lookup, birth) = try row.decode((Int64, String, String, Data, Data, String?).self)
        return Wearer(
            id: Wearer.ID(rawValue: id), customerID: customerID, name: name,
            protectedID: ProtectedNationalID(sealed: sealed, lookup: lookup), birthDate: try day(birth, table: "wearer"))
    }

    // MARK: Enrolments

    /// $1…$11: the enrolment's columns after its id.
    static func enrolmentBindings(_ e: Enrolment) -> PostgresBindings {
        var b = PostgresBindings()
        b.append(e.number); b.append(e.wearerID.rawValue); b.append(e.customerID); b.append(e.dosimeterType.rawValue)
        b.append(e.periodLength.rawValue); b.append(e.startDate.description); b.append(e.endDate?.description)
        b.append(e.orderedOn.description); b.append(e.handedOverFromIssueID); b.append(e.changeDay); b.append(e.cycleMonth)
        return b
    }

    static func insertEnrolment(_ e: Enrolment, in session: PostgresSession) throws -> Enrolment {
        guard let row = try session.query("""
            INSERT INTO enrolment (number, wearerID, customerID, dosimeterType, periodLength, startDate, endDate, orderedOn,
                handedOverFromIssueID, changeDay, cycleMonth)
            VALUES ($1, $2, $3, $4, $5, $6::date, $7::date, $8::date, $9, $10, $11) RETURNING \(enrolmentColumns)
            """, enrolmentBindings(e)).first else { throw LabStoreError.unexpected(operation: "enrol", message: "no row returned") }
        return try decodeEnrolment(row)
    }

    /// Writes every column of an existing enrolment (as GRDB's `update` does on SQLite).
    static func updateEnrolment(_ e: Enrolment, id: Enrolment.ID, in session: PostgresSession) throws {
        var b = enrolmentBindings(e)
        b.append(id.rawValue)
        try session.execute("""
            UPDATE enrolment SET number = $1, wearerID = $2, customerID = $3, dosimeterType = $4, periodLength = $5,
                startDate = $6::date, endDate = $7::date, orderedOn = $8::date, handedOverFromIssueID = $9, changeDay = $10,
                cycleMonth = $11
            WHERE id = $12
            """, b)
    }

    static func decodeEnrolment(_ row: PostgresRow) throws -> Enrolment {
        let (id, number, wearerID, customerID, type, length, start, end, ordered, handedOver, changeDay, cycleMonth) =
            try row.decode((Int64, String, Int64, String, String, String, String, String?, String, Int64?, Int, Int).self)
        guard let dosimeterType = DosimeterType(rawValue: type), let periodLength = PeriodLength(rawValue: length) else {
            throw LabStoreError.corruptRow(table: "enrolment", reason: "unknown dosimeter type or period \"\(type)\", \"\(length)\"")
        }
        guard let startDate = try day(start, table: "enrolment"), let orderedOn = try day(ordered, table: "enrolment") else {
            throw LabStoreError.corruptRow(table: "enrolment", reason: "enrolment \(id) without its dates")
        }
        return Enrolment(
            id: Enrolment.ID(rawValue: id), number: number, wearerID: Wearer.ID(rawValue: wearerID), customerID: customerID,
            dosimeterType: dosimeterType, periodLength: periodLength, startDate: startDate,
            endDate: try day(end, table: "enrolment"), orderedOn: orderedOn, handedOverFromIssueID: handedOver,
            changeDay: changeDay, cycleMonth: cycleMonth)
    }

    // MARK: Cards

    static func decodeCard(_ row: PostgresRow) throws -> Card {
        let (id, type, elements, stateText, changedAt, lastBatch, currentIssue) =
            try row.decode((String, String, Int, String, Date, Int64?, Int64?).self)
        guard let dosimeterType = DosimeterType(rawValue: type), let state = CardState(rawValue: stateText) else {
            throw LabStoreError.corruptRow(table: "card", reason: "unknown dosimeter type or state \"\(type)\", \"\(stateText)\"")
        }
        return Card(
            id: id, dosimeterType: dosimeterType, elementCount: elements, state: state, stateChangedAt: changedAt,
            lastBatchID: lastBatch.map(ReadoutBatch.ID.init(rawValue:)), currentIssueID: currentIssue.map(CardIssue.ID.init(rawValue:)))
    }

    static func decodeRetirement(_ row: PostgresRow) throws -> CardRetirement {
        let (id, cardID, fromText, why, retiredAt) = try row.decode((Int64, String, String, String, Date).self)
        guard let fromState = CardState(rawValue: fromText) else {
            throw LabStoreError.corruptRow(table: "cardRetirement", reason: "unknown card state \"\(fromText)\"")
        }
        return CardRetirement(id: CardRetirement.ID(rawValue: id), cardID: cardID, fromState: fromState, why: why, retiredAt: retiredAt)
    }

    // MARK: Days

    static func day(_ text: String?, table: String) throws -> CalendarDay? {
        guard let text else { return nil }
        do { return try CalendarDay(parsing: text) } catch {
            throw LabStoreError.corruptRow(table: table, reason: "\(error)")
        }
    }
}
