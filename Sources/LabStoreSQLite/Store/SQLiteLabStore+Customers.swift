import Foundation
import GRDB
import LabStore

extension SQLiteLabStore: LabRecordStore {
    public func saveCustomer(_ customer: Customer) throws(LabStoreError) -> Customer {
        guard !customer.id.trimmingCharacters(in: .whitespaces).isEmpty,
              !customer.name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalidRecord("a customer needs a number and a name")
        }
        return try write("save customer", table: Customer.databaseTableName) { db in
            try customer.save(db)
            return customer
        }
    }

    public func customer(id: String) throws(LabStoreError) -> Customer? {
        try read("read customer") { db in try Customer.fetchOne(db, key: id) }
    }

    public func customers() throws(LabStoreError) -> [Customer] {
        try read("list customers") { db in try Customer.order(Column("id")).fetchAll(db) }
    }

    public func addWearer(customerID: String, name: String, nationalID: ProtectedNationalID) throws(LabStoreError) -> Wearer {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw .invalidRecord("a wearer needs a name") }
        let wearer = try write("add wearer", table: Wearer.databaseTableName) { db in
            try Self.addWearer(customerID: customerID, name: name, nationalID: nationalID, in: db)
        }
        // Never the national ID, not even sealed, in the log.
        logger.info("wearer recorded", metadata: ["customer": "\(customerID)", "wearer": "\(wearer.id.map(\.description) ?? "?")"])
        return wearer
    }

    /// The customer's wearer with this national ID, or a new one, inside a write transaction.
    static func addWearer(customerID: String, name: String, nationalID: ProtectedNationalID, birthDate: CalendarDay? = nil,
                          in db: Database) throws -> Wearer {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw LabStoreError.invalidRecord("a wearer needs a name") }
        guard try Customer.exists(db, key: customerID) else { throw LabStoreError.customerNotFound(customerID) }
        if let existing = try Wearer
            .filter(Column("customerID") == customerID && Column("nationalIDLookup") == nationalID.lookup)
            .fetchOne(db) {
            return existing
        }
        var wearer = Wearer(customerID: customerID, name: name, protectedID: nationalID, birthDate: birthDate)
        try wearer.insert(db)
        return wearer
    }

    public func wearer(id: Wearer.ID) throws(LabStoreError) -> Wearer? {
        try read("read wearer") { db in try Wearer.fetchOne(db, key: id) }
    }

    public func wearers(customerID: String) throws(LabStoreError) -> [Wearer] {
        try read("list wearers") { db in
            try Wearer.filter(Column("customerID") == customerID).order(Column("name"), Column("id")).fetchAll(db)
        }
    }

    public func enrol(_ enrolment: Enrolment) throws(LabStoreError) -> Enrolment {
        try write("enrol", table: Enrolment.databaseTableName) { db in try Self.enrol(enrolment, in: db) }
    }

    /// Checks and inserts an enrolment with the next `TILM-` number, inside a write transaction.
    static func enrol(_ enrolment: Enrolment, in db: Database) throws -> Enrolment {
        if let problem = MasterDataValidation.enrolmentProblem(enrolment) { throw LabStoreError.invalidRecord(problem) }
        guard let wearer = try Wearer.fetchOne(db, key: enrolment.wearerID) else {
            throw LabStoreError.wearerNotFound(enrolment.wearerID.rawValue)
        }
        guard wearer.customerID == enrolment.customerID else {
            throw LabStoreError.invalidRecord("wearer \(enrolment.wearerID) belongs to another customer")
        }
        let next = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) + 1 FROM enrolment") ?? 1
        var row = enrolment.normalisedSchedule
        row.id = nil
        row.number = Enrolment.number(sequence: next)
        try row.insert(db)
        return row
    }

    public func enrolment(id: Enrolment.ID) throws(LabStoreError) -> Enrolment? {
        try read("read enrolment") { db in try Enrolment.fetchOne(db, key: id) }
    }

    public func enrolments(customerID: String) throws(LabStoreError) -> [Enrolment] {
        try read("list enrolments") { db in
            try Enrolment.filter(Column("customerID") == customerID).order(Column("id")).fetchAll(db)
        }
    }

    public func setEnrolmentEnd(id: Enrolment.ID, endDate: CalendarDay?) throws(LabStoreError) -> Enrolment {
        try write("end enrolment", table: Enrolment.databaseTableName) { db in
            guard var e = try Enrolment.fetchOne(db, key: id) else { throw LabStoreError.enrolmentNotFound("\(id)") }
            e.endDate = endDate
            try e.update(db)
            return e
        }
    }

    // MARK: Cards and prices

    public func addCards(_ cards: [Card]) throws(LabStoreError) {
        for card in cards {
            try StoreValidation.cardID(card.id)
            guard (1...4).contains(card.elementCount) else { throw .invalidElementsPerCard(card.elementCount) }
        }
        let stamp = now()
        try write("add cards", table: Card.databaseTableName) { db in
            for card in cards where try !Card.exists(db, key: card.id) {
                var row = card
                row.state = .available
                row.stateChangedAt = stamp
                row.lastBatchID = nil
                row.currentIssueID = nil
                try row.insert(db)
                for element in 1...card.elementCount {
                    try CardElement(cardID: card.id, element: element, zeroedAt: stamp).insert(db)
                }
            }
        }
    }

    public func card(id: String) throws(LabStoreError) -> Card? {
        try read("read card") { db in try Card.fetchOne(db, key: id) }
    }

    public func cards(state: CardState) throws(LabStoreError) -> [Card] {
        try read("list cards") { db in try Card.filter(Column("state") == state).order(Column("id")).fetchAll(db) }
    }

    public func cardElements(cardID: String) throws(LabStoreError) -> [CardElement] {
        try read("read card elements") { db in
            try CardElement.filter(Column("cardID") == cardID).order(Column("element")).fetchAll(db)
        }
    }

    public func savePrice(_ price: CardPrice) throws(LabStoreError) {
        try write("save price", table: CardPrice.databaseTableName) { db in try price.save(db) }
    }

    public func price(of type: DosimeterType, on day: CalendarDay) throws(LabStoreError) -> CardPrice? {
        try read("read price") { db in
            try CardPrice
                .filter(Column("dosimeterType") == type && Column("validFrom") <= day)
                .order(Column("validFrom").desc)
                .fetchOne(db)
        }
    }

    // MARK: Card moves

    /// Moves a card to `state`, checking the move in code first (the trigger checks it again).
    static func move(_ card: Card, to state: CardState, at date: Date, step: String, in db: Database,
                     set extra: String = "", arguments: StatementArguments = []) throws {
        guard card.state.canMove(to: state) else {
            throw LabStoreError.cardInWrongState(cardID: card.id, state: card.state, step: step)
        }
        try db.execute(
            sql: "UPDATE card SET state = ?, stateChangedAt = ?\(extra) WHERE id = ?",
            arguments: StatementArguments([state.databaseValue, date.databaseValue]) + arguments + StatementArguments([card.id]))
    }

    static func existingCard(_ id: String, in db: Database) throws -> Card {
        guard let card = try Card.fetchOne(db, key: id) else { throw LabStoreError.cardNotFound(id) }
        return card
    }

    /// Whether the card's current dose in its last batch is released.
    static func hasReleasedDose(_ card: Card, in db: Database) throws -> Bool {
        guard let batch = card.lastBatchID else { return false }
        return try DoseResult
            .filter(DoseResult.Columns.batchID == batch && DoseResult.Columns.cardID == card.id
                    && DoseResult.Columns.supersededAt == nil && DoseResult.Columns.state == DoseState.released)
            .fetchCount(db) > 0
    }
}
