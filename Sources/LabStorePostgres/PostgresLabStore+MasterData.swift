import Foundation
import LabStore
import PostgresNIO

/// Customers, wearers, enrolment changes, card stock and retirements on PostgreSQL (the SQLite twin:
/// SQLiteLabStore+MasterData.swift, the same checks, orders and errors). Text orders are by code
/// point (`COLLATE "C"`), as SQLite's BINARY collation orders them. The import is in
/// PostgresLabStore+MasterDataImport.swift.
extension PostgresLabStore: MasterDataStore {
    // MARK: Customers

    public func addCustomer(_ customer: Customer) throws(LabStoreError) -> Customer {
        try transaction("add customer") { session -> Customer in
            var row = customer
            if row.id.isEmpty {
                // Two desks numbering at once would pick the same K- number: one at a time.
                try session.execute("LOCK TABLE customer IN SHARE ROW EXCLUSIVE MODE")
                row.id = Customer.number(sequence: try Self.nextCustomerSequence(in: session))
            }
            if let problem = MasterDataValidation.customerProblem(row) { throw LabStoreError.invalidRecord(problem) }
            guard try Self.customer(row.id, in: session) == nil else {
                throw LabStoreError.invalidRecord("customer \(row.id) already exists (use change)")
            }
            try Self.insertCustomer(row, in: session)
            return row
        }
    }

    /// The next lab-assigned `K-` number: one more than the highest in use, at least `K-1001`.
    static func nextCustomerSequence(in session: PostgresSession) throws -> Int {
        // SQLite's GLOB 'K-[0-9]*'; Customer.sequence(of:) then keeps the all-digit ones.
        let ids = try session.query("SELECT id FROM customer WHERE id ~ '^K-[0-9]'").map { try $0.decode(String.self) }
        return max(Customer.firstSequence, (ids.compactMap(Customer.sequence(of:)).max() ?? 0) + 1)
    }

    public func updateCustomer(_ customer: Customer) throws(LabStoreError) -> Customer {
        if let problem = MasterDataValidation.customerProblem(customer) { throw .invalidRecord(problem) }
        return try transaction("change customer") { session -> Customer in
            guard try Self.customer(customer.id, in: session) != nil else { throw LabStoreError.customerNotFound(customer.id) }
            try Self.updateCustomer(customer, in: session)
            return customer
        }
    }

    // MARK: Wearers

    public func addWearer(customerID: String, name: String, nationalID: ProtectedNationalID, birthDate: CalendarDay?) throws(LabStoreError) -> Wearer {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw .invalidRecord("a wearer needs a name") }
        let wearer = try transaction("add wearer") { session -> Wearer in
            guard try Self.customer(customerID, in: session) != nil else { throw LabStoreError.customerNotFound(customerID) }
            if let existing = try Self.wearer(customerID: customerID, lookup: nationalID.lookup, in: session) {
                throw LabStoreError.invalidRecord("this national ID is already recorded for \(customerID) as wearer #\(existing.id?.rawValue ?? 0) \(existing.name)")
            }
            return try Self.insertWearer(
                Wearer(customerID: customerID, name: name, protectedID: nationalID, birthDate: birthDate), in: session)
        }
        // Never the national ID, not even sealed, in the log.
        logger.info("wearer recorded", metadata: ["customer": "\(customerID)", "wearer": "\(wearer.id.map(\.description) ?? "?")"])
        return wearer
    }

    public func updateWearer(_ wearer: Wearer) throws(LabStoreError) -> Wearer {
        guard let id = wearer.id else { throw .invalidRecord("a wearer to change needs its number") }
        guard !wearer.name.trimmingCharacters(in: .whitespaces).isEmpty else { throw .invalidRecord("a wearer needs a name") }
        return try transaction("change wearer") { session -> Wearer in
            var b = PostgresBindings()
            b.append(id.rawValue)
            guard let old = try session.query("SELECT \(Self.wearerColumns) FROM wearer WHERE id = $1", b).first.map(Self.decodeWearer) else {
                throw LabStoreError.wearerNotFound(id.rawValue)
            }
            guard old.customerID == wearer.customerID else {
                throw LabStoreError.invalidRecord("wearer #\(id) belongs to \(old.customerID); a wearer does not move between customers")
            }
            var o = PostgresBindings()
            o.append(wearer.customerID); try o.append(wearer.nationalIDLookup); o.append(id.rawValue)
            if let other = try session.query("""
                SELECT \(Self.wearerColumns) FROM wearer WHERE customerID = $1 AND nationalIDLookup = $2 AND id <> $3
                ORDER BY id LIMIT 1
                """, o).first.map(Self.decodeWearer) {
                throw LabStoreError.invalidRecord("this national ID is already recorded as wearer #\(other.id?.rawValue ?? 0) \(other.name)")
            }
            try Self.updateWearer(wearer, id: id, in: session)
            return wearer
        }
    }

    public func wearer(customerID: String, lookup: Data) throws(LabStoreError) -> Wearer? {
        try withSession("find wearer") { session in try Self.wearer(customerID: customerID, lookup: lookup, in: session) }
    }

    static func wearer(customerID: String, lookup: Data, in session: PostgresSession) throws -> Wearer? {
        var b = PostgresBindings()
        b.append(customerID); try b.append(lookup)
        return try session.query(
            "SELECT \(wearerColumns) FROM wearer WHERE customerID = $1 AND nationalIDLookup = $2 ORDER BY id LIMIT 1", b
        ).first.map(decodeWearer)
    }

    public func allWearers() throws(LabStoreError) -> [Wearer] {
        try withSession("list wearers") { session in
            try session.query("""
                SELECT \(Self.wearerColumns) FROM wearer ORDER BY customerID COLLATE "C", name COLLATE "C", id
                """).map(Self.decodeWearer)
        }
    }

    // MARK: Enrolments

    public func enrolment(number: String) throws(LabStoreError) -> Enrolment? {
        try withSession("read enrolment") { session in
            var b = PostgresBindings()
            b.append(number)
            return try session.query("SELECT \(Self.enrolmentColumns) FROM enrolment WHERE number = $1", b).first.map(Self.decodeEnrolment)
        }
    }

    public func allEnrolments() throws(LabStoreError) -> [Enrolment] {
        try withSession("list enrolments") { session in
            try session.query("SELECT \(Self.enrolmentColumns) FROM enrolment ORDER BY number COLLATE \"C\"").map(Self.decodeEnrolment)
        }
    }

    public func updateEnrolment(_ enrolment: Enrolment) throws(LabStoreError) -> Enrolment {
        guard let id = enrolment.id else { throw .invalidRecord("an enrolment to change needs its id") }
        if let problem = MasterDataValidation.enrolmentProblem(enrolment) { throw .invalidRecord(problem) }
        return try transaction("change enrolment") { session -> Enrolment in
            var b = PostgresBindings()
            b.append(id.rawValue)
            guard let old = try session.query("SELECT \(Self.enrolmentColumns) FROM enrolment WHERE id = $1 FOR UPDATE", b)
                .first.map(Self.decodeEnrolment) else { throw LabStoreError.enrolmentNotFound("\(id)") }
            var row = enrolment.normalisedSchedule
            try Self.refuseScheduleChange(from: old, to: row, in: session)
            row.number = old.number
            row.wearerID = old.wearerID
            row.customerID = old.customerID
            row.handedOverFromIssueID = old.handedOverFromIssueID
            try Self.updateEnrolment(row, id: id, in: session)
            return row
        }
    }

    /// Refuses to move an enrolment's periods once cards were issued for them: the issued periods
    /// would no longer be periods of its schedule. Only the end date may change then.
    static func refuseScheduleChange(from old: Enrolment, to new: Enrolment, in session: PostgresSession) throws {
        guard old.movesSchedule(to: new), let id = old.id else { return }
        var b = PostgresBindings()
        b.append(id.rawValue)
        if try !session.query("SELECT 1 FROM cardIssue WHERE enrolmentID = $1 LIMIT 1", b).isEmpty { throw old.scheduleChangeRefusal }
    }

    // MARK: Cards

    public func allCards() throws(LabStoreError) -> [Card] {
        try withSession("list cards") { session in
            try session.query("SELECT \(Self.cardColumns) FROM card ORDER BY id COLLATE \"C\"").map(Self.decodeCard)
        }
    }

    public func retireCard(id: String, why: String) throws(LabStoreError) -> CardRetirement {
        guard !why.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .invalidRecord("retiring a card needs a reason")
        }
        let stamp = storedTime(now())
        return try transaction("retire card") { session -> CardRetirement in
            var b = PostgresBindings()
            b.append(id)
            guard let card = try session.query("SELECT \(Self.cardColumns) FROM card WHERE id = $1 FOR UPDATE", b)
                .first.map(Self.decodeCard) else { throw LabStoreError.cardNotFound(id) }
            guard card.state.canMove(to: .retired) else {
                throw LabStoreError.cardInWrongState(cardID: card.id, state: card.state, step: "be retired")
            }
            var move = PostgresBindings()
            move.append(CardState.retired.rawValue); move.append(stamp); move.append(id)
            try session.execute("UPDATE card SET state = $1, stateChangedAt = $2 WHERE id = $3", move)
            var r = PostgresBindings()
            r.append(id); r.append(card.state.rawValue); r.append(why); r.append(stamp)
            guard let row = try session.query("""
                INSERT INTO cardRetirement (cardID, fromState, why, retiredAt) VALUES ($1, $2, $3, $4)
                RETURNING \(Self.retirementColumns)
                """, r).first else { throw LabStoreError.unexpected(operation: "retire card", message: "no row returned") }
            return try Self.decodeRetirement(row)
        }
    }

    public func retirements(cardID: String) throws(LabStoreError) -> [CardRetirement] {
        try withSession("read retirements") { session in
            var b = PostgresBindings()
            b.append(cardID)
            return try session.query("SELECT \(Self.retirementColumns) FROM cardRetirement WHERE cardID = $1 ORDER BY id", b)
                .map(Self.decodeRetirement)
        }
    }
}
