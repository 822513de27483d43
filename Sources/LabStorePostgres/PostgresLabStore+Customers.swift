import Foundation
import LabStore
import PostgresNIO

/// The lab-records role's customers, wearers, enrolments, cards and prices on PostgreSQL (the SQLite
/// twin: SQLiteLabStore+Customers.swift, the same checks, orders and errors). Where SQLite's single
/// writer makes a find-or-insert or a numbering safe, a row or table lock does here.
extension PostgresLabStore {
    // MARK: Customers

    /// Inserts or updates a customer (GRDB's `save` on SQLite: every column of the row).
    public func saveCustomer(_ customer: Customer) throws(LabStoreError) -> Customer {
        guard !customer.id.trimmingCharacters(in: .whitespaces).isEmpty,
              !customer.name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalidRecord("a customer needs a number and a name")
        }
        return try transaction("save customer") { session -> Customer in
            try session.execute("""
                INSERT INTO customer (\(Self.customerColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, deliveryAddress = EXCLUDED.deliveryAddress,
                    contactEmail = EXCLUDED.contactEmail, companyID = EXCLUDED.companyID,
                    workplaceAddress = EXCLUDED.workplaceAddress, billingAddress = EXCLUDED.billingAddress,
                    contactName = EXCLUDED.contactName, invoiceChannel = EXCLUDED.invoiceChannel,
                    invoiceAddress = EXCLUDED.invoiceAddress, invoiceReference = EXCLUDED.invoiceReference
                """, Self.bindings(customer))
            return customer
        }
    }

    public func customer(id: String) throws(LabStoreError) -> Customer? {
        try withSession("read customer") { session in try Self.customer(id, in: session) }
    }

    public func customers() throws(LabStoreError) -> [Customer] {
        try withSession("list customers") { session in
            try session.query("SELECT \(Self.customerColumns) FROM customer ORDER BY id COLLATE \"C\"").map(Self.decodeCustomer)
        }
    }

    // MARK: Wearers

    /// Adds a wearer, or returns the customer's wearer with the same national ID (by its keyed hash).
    public func addWearer(customerID: String, name: String, nationalID: ProtectedNationalID) throws(LabStoreError) -> Wearer {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw .invalidRecord("a wearer needs a name") }
        let wearer = try transaction("add wearer") { session -> Wearer in
            try Self.findOrAddWearer(customerID: customerID, name: name, nationalID: nationalID, in: session)
        }
        // Never the national ID, not even sealed, in the log.
        logger.info("wearer recorded", metadata: ["customer": "\(customerID)", "wearer": "\(wearer.id.map(\.description) ?? "?")"])
        return wearer
    }

    /// The customer's wearer with this national ID, or a new one, inside a transaction
    /// (SQLiteLabStore.addWearer(customerID:name:nationalID:birthDate:in:)). The customer's row is
    /// locked first, so two desks adding the same person at once find one wearer, not two.
    static func findOrAddWearer(
        customerID: String, name: String, nationalID: ProtectedNationalID, birthDate: CalendarDay? = nil,
        in session: PostgresSession
    ) throws -> Wearer {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw LabStoreError.invalidRecord("a wearer needs a name") }
        var c = PostgresBindings()
        c.append(customerID)
        guard try !session.query("SELECT 1 FROM customer WHERE id = $1 FOR NO KEY UPDATE", c).isEmpty else {
            throw LabStoreError.customerNotFound(customerID)
        }
        if let existing = try wearer(customerID: customerID, lookup: nationalID.lookup, in: session) { return existing }
        return try insertWearer(
            Wearer(customerID: customerID, name: name, protectedID: nationalID, birthDate: birthDate), in: session)
    }

    public func wearer(id: Wearer.ID) throws(LabStoreError) -> Wearer? {
        try withSession("read wearer") { session in try Self.wearer(id, in: session) }
    }

    static func wearer(_ id: Wearer.ID, in session: PostgresSession) throws -> Wearer? {
        var b = PostgresBindings()
        b.append(id.rawValue)
        return try session.query("SELECT \(wearerColumns) FROM wearer WHERE id = $1", b).first.map(decodeWearer)
    }

    public func wearers(customerID: String) throws(LabStoreError) -> [Wearer] {
        try withSession("list wearers") { session in
            var b = PostgresBindings()
            b.append(customerID)
            return try session.query(
                "SELECT \(Self.wearerColumns) FROM wearer WHERE customerID = $1 ORDER BY name COLLATE \"C\", id", b
            ).map(Self.decodeWearer)
        }
    }

    // MARK: Enrolments

    /// Stores a new enrolment and assigns its `TILM-` number.
    public func enrol(_ enrolment: Enrolment) throws(LabStoreError) -> Enrolment {
        try transaction("enrol") { session in try Self.enrol(enrolment, in: session) }
    }

    /// Checks and inserts an enrolment with the next `TILM-` number, inside a transaction
    /// (SQLiteLabStore.enrol(_:in:)). The number follows the highest id, as on SQLite; the table lock
    /// keeps a second desk from taking the same number at the same time (readers go on).
    static func enrol(_ enrolment: Enrolment, in session: PostgresSession) throws -> Enrolment {
        if let problem = MasterDataValidation.enrolmentProblem(enrolment) { throw LabStoreError.invalidRecord(problem) }
        guard let wearer = try wearer(enrolment.wearerID, in: session) else {
            throw LabStoreError.wearerNotFound(enrolment.wearerID.rawValue)
        }
        guard wearer.customerID == enrolment.customerID else {
            throw LabStoreError.invalidRecord("wearer \(enrolment.wearerID) belongs to another customer")
        }
        try session.execute("LOCK TABLE enrolment IN SHARE ROW EXCLUSIVE MODE")
        let next = try session.query("SELECT COALESCE(MAX(id), 0) + 1 FROM enrolment").first?.decode(Int64.self) ?? 1
        var row = enrolment.normalisedSchedule
        row.id = nil
        row.number = Enrolment.number(sequence: Int(next))
        return try insertEnrolment(row, in: session)
    }

    public func enrolment(id: Enrolment.ID) throws(LabStoreError) -> Enrolment? {
        try withSession("read enrolment") { session in try Self.enrolment(id, in: session) }
    }

    static func enrolment(_ id: Enrolment.ID, forUpdate: Bool = false, in session: PostgresSession) throws -> Enrolment? {
        var b = PostgresBindings()
        b.append(id.rawValue)
        return try session.query(
            "SELECT \(enrolmentColumns) FROM enrolment WHERE id = $1\(forUpdate ? " FOR UPDATE" : "")", b
        ).first.map(decodeEnrolment)
    }

    public func enrolments(customerID: String) throws(LabStoreError) -> [Enrolment] {
        try withSession("list enrolments") { session in
            var b = PostgresBindings()
            b.append(customerID)
            return try session.query("SELECT \(Self.enrolmentColumns) FROM enrolment WHERE customerID = $1 ORDER BY id", b)
                .map(Self.decodeEnrolment)
        }
    }

    /// Sets or clears an enrolment's end date (unsubscribing).
    public func setEnrolmentEnd(id: Enrolment.ID, endDate: CalendarDay?) throws(LabStoreError) -> Enrolment {
        try transaction("end enrolment") { session -> Enrolment in
            guard var e = try Self.enrolment(id, forUpdate: true, in: session) else {
                throw LabStoreError.enrolmentNotFound("\(id)")
            }
            e.endDate = endDate
            try Self.updateEnrolment(e, id: id, in: session)
            return e
        }
    }

    // MARK: Cards and prices

    /// Adds new cards to stock (state `available`, elements zeroed now). Existing cards are kept as they are.
    public func addCards(_ cards: [Card]) throws(LabStoreError) {
        for card in cards {
            try StoreValidation.cardID(card.id)
            guard (1...4).contains(card.elementCount) else { throw .invalidElementsPerCard(card.elementCount) }
        }
        let stamp = storedTime(now())
        try transaction("add cards") { session in
            for card in cards {
                var b = PostgresBindings()
                b.append(card.id); b.append(card.dosimeterType.rawValue); b.append(card.elementCount)
                b.append(CardState.available.rawValue); b.append(stamp)
                // A card already in stock (or added by another desk meanwhile) is kept as it is.
                let inserted = try session.query("""
                    INSERT INTO card (id, dosimeterType, elementCount, state, stateChangedAt, lastBatchID, currentIssueID)
                    VALUES ($1, $2, $3, $4, $5, NULL, NULL) ON CONFLICT (id) DO NOTHING RETURNING id
                    """, b)
                guard !inserted.isEmpty else { continue }
                for element in 1...card.elementCount {
                    var e = PostgresBindings()
                    e.append(card.id); e.append(element); e.append(stamp)
                    try session.execute("INSERT INTO cardElement (cardID, element, zeroedAt) VALUES ($1, $2, $3)", e)
                }
            }
        }
    }

    public func card(id: String) throws(LabStoreError) -> Card? {
        try withSession("read card") { session in try Self.card(id, in: session) }
    }

    static func card(_ id: String, forUpdate: Bool = false, in session: PostgresSession) throws -> Card? {
        var b = PostgresBindings()
        b.append(id)
        return try session.query("SELECT \(cardColumns) FROM card WHERE id = $1\(forUpdate ? " FOR UPDATE" : "")", b)
            .first.map(decodeCard)
    }

    public func cards(state: CardState) throws(LabStoreError) -> [Card] {
        try withSession("list cards") { session in
            var b = PostgresBindings()
            b.append(state.rawValue)
            return try session.query("SELECT \(Self.cardColumns) FROM card WHERE state = $1 ORDER BY id COLLATE \"C\"", b)
                .map(Self.decodeCard)
        }
    }

    public func cardElements(cardID: String) throws(LabStoreError) -> [CardElement] {
        try withSession("read card elements") { session in
            var b = PostgresBindings()
            b.append(cardID)
            return try session.query("SELECT cardID, element, zeroedAt FROM cardElement WHERE cardID = $1 ORDER BY element", b)
                .map { row in
                    let (cardID, element, zeroedAt) = try row.decode((String, Int, Date?).self)
                    return CardElement(cardID: cardID, element: element, zeroedAt: zeroedAt)
                }
        }
    }

    /// Inserts or replaces the price of a type from a day on (GRDB's `save` on SQLite).
    public func savePrice(_ price: CardPrice) throws(LabStoreError) {
        try transaction("save price") { session in
            var b = PostgresBindings()
            b.append(price.dosimeterType.rawValue); b.append(price.validFrom.description); b.append(price.priceMinorUnits)
            b.append(price.currency)
            try session.execute("""
                INSERT INTO cardPrice (dosimeterType, validFrom, priceMinorUnits, currency) VALUES ($1, $2::date, $3, $4)
                ON CONFLICT (dosimeterType, validFrom) DO UPDATE
                SET priceMinorUnits = EXCLUDED.priceMinorUnits, currency = EXCLUDED.currency
                """, b)
        }
    }

    /// The price in force on `day` for a type.
    public func price(of type: DosimeterType, on day: CalendarDay) throws(LabStoreError) -> CardPrice? {
        try withSession("read price") { session in
            var b = PostgresBindings()
            b.append(type.rawValue); b.append(day.description)
            return try session.query("""
                SELECT dosimeterType, to_char(validFrom, 'YYYY-MM-DD'), priceMinorUnits, currency FROM cardPrice
                WHERE dosimeterType = $1 AND validFrom <= $2::date ORDER BY validFrom DESC LIMIT 1
                """, b).first.map { row in
                let (typeText, validFrom, minor, currency) = try row.decode((String, String, Int, String).self)
                guard let type = DosimeterType(rawValue: typeText), let day = try Self.day(validFrom, table: "cardPrice") else {
                    throw LabStoreError.corruptRow(table: "cardPrice", reason: "unknown dosimeter type \"\(typeText)\"")
                }
                return CardPrice(dosimeterType: type, validFrom: day, priceMinorUnits: minor, currency: currency)
            }
        }
    }
}
