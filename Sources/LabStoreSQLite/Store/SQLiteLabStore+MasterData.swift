import Foundation
import GRDB
import LabStore

extension SQLiteLabStore: MasterDataStore {
    // MARK: Customers

    public func addCustomer(_ customer: Customer) throws(LabStoreError) -> Customer {
        try write("add customer", table: Customer.databaseTableName) { db in
            var row = customer
            if row.id.isEmpty { row.id = Customer.number(sequence: try Self.nextCustomerSequence(in: db)) }
            if let problem = MasterDataValidation.customerProblem(row) { throw LabStoreError.invalidRecord(problem) }
            guard try !Customer.exists(db, key: row.id) else {
                throw LabStoreError.invalidRecord("customer \(row.id) already exists (use change)")
            }
            try row.insert(db)
            return row
        }
    }

    /// The next lab-assigned `K-` number: one more than the highest in use, at least `K-1001`.
    static func nextCustomerSequence(in db: Database) throws -> Int {
        let ids = try String.fetchAll(db, sql: "SELECT id FROM customer WHERE id GLOB 'K-[0-9]*'")
        return max(Customer.firstSequence, (ids.compactMap(Customer.sequence(of:)).max() ?? 0) + 1)
    }

    public func updateCustomer(_ customer: Customer) throws(LabStoreError) -> Customer {
        if let problem = MasterDataValidation.customerProblem(customer) { throw .invalidRecord(problem) }
        return try write("change customer", table: Customer.databaseTableName) { db in
            guard try Customer.exists(db, key: customer.id) else { throw LabStoreError.customerNotFound(customer.id) }
            try customer.update(db)
            return customer
        }
    }

    // MARK: Wearers

    public func addWearer(customerID: String, name: String, nationalID: ProtectedNationalID, birthDate: CalendarDay?) throws(LabStoreError) -> Wearer {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw .invalidRecord("a wearer needs a name") }
        let wearer = try write("add wearer", table: Wearer.databaseTableName) { db in
            guard try Customer.exists(db, key: customerID) else { throw LabStoreError.customerNotFound(customerID) }
            if let existing = try Wearer
                .filter(Column("customerID") == customerID && Column("nationalIDLookup") == nationalID.lookup)
                .fetchOne(db) {
                throw LabStoreError.invalidRecord("this national ID is already recorded for \(customerID) as wearer #\(existing.id?.rawValue ?? 0) \(existing.name)")
            }
            var wearer = Wearer(customerID: customerID, name: name, protectedID: nationalID, birthDate: birthDate)
            try wearer.insert(db)
            return wearer
        }
        // Never the national ID, not even sealed, in the log.
        logger.info("wearer recorded", metadata: ["customer": "\(customerID)", "wearer": "\(wearer.id.map(\.description) ?? "?")"])
        return wearer
    }

    public func updateWearer(_ wearer: Wearer) throws(LabStoreError) -> Wearer {
        guard let id = wearer.id else { throw .invalidRecord("a wearer to change needs its number") }
        guard !wearer.name.trimmingCharacters(in: .whitespaces).isEmpty else { throw .invalidRecord("a wearer needs a name") }
        return try write("change wearer", table: Wearer.databaseTableName) { db in
            guard let old = try Wearer.fetchOne(db, key: id) else { throw LabStoreError.wearerNotFound(id.rawValue) }
            guard old.customerID == wearer.customerID else {
                throw LabStoreError.invalidRecord("wearer #\(id) belongs to \(old.customerID); a wearer does not move between customers")
            }
            if let other = try Wearer
                .filter(Column("customerID") == wearer.customerID && Column("nationalIDLookup") == wearer.nationalIDLookup
                        && Column("id") != id.rawValue)
                .fetchOne(db) {
                throw LabStoreError.invalidRecord("this national ID is already recorded as wearer #\(other.id?.rawValue ?? 0) \(other.name)")
            }
            try wearer.update(db)
            return wearer
        }
    }

    public func wearer(customerID: String, lookup: Data) throws(LabStoreError) -> Wearer? {
        try read("find wearer") { db in
            try Wearer.filter(Column("customerID") == customerID && Column("nationalIDLookup") == lookup).fetchOne(db)
        }
    }

    public func allWearers() throws(LabStoreError) -> [Wearer] {
        try read("list wearers") { db in try Wearer.order(Column("customerID"), Column("name"), Column("id")).fetchAll(db) }
    }

    // MARK: Enrolments

    public func enrolment(number: String) throws(LabStoreError) -> Enrolment? {
        try read("read enrolment") { db in try Enrolment.filter(Column("number") == number).fetchOne(db) }
    }

    public func allEnrolments() throws(LabStoreError) -> [Enrolment] {
        try read("list enrolments") { db in try Enrolment.order(Column("number")).fetchAll(db) }
    }

    public func updateEnrolment(_ enrolment: Enrolment) throws(LabStoreError) -> Enrolment {
        guard let id = enrolment.id else { throw .invalidRecord("an enrolment to change needs its id") }
        if let problem = MasterDataValidation.enrolmentProblem(enrolment) { throw .invalidRecord(problem) }
        return try write("change enrolment", table: Enrolment.databaseTableName) { db in
            guard let old = try Enrolment.fetchOne(db, key: id) else { throw LabStoreError.enrolmentNotFound("\(id)") }
            var row = enrolment.normalisedSchedule
            try Self.refuseScheduleChange(from: old, to: row, in: db)
            row.number = old.number
            row.wearerID = old.wearerID
            row.customerID = old.customerID
            row.handedOverFromIssueID = old.handedOverFromIssueID
            try row.update(db)
            return row
        }
    }

    // MARK: Cards

    public func allCards() throws(LabStoreError) -> [Card] {
        try read("list cards") { db in try Card.order(Column("id")).fetchAll(db) }
    }

    public func retireCard(id: String, why: String) throws(LabStoreError) -> CardRetirement {
        guard !why.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .invalidRecord("retiring a card needs a reason")
        }
        let stamp = now()
        return try write("retire card", table: Card.databaseTableName) { db in
            let card = try Self.existingCard(id, in: db)
            try Self.move(card, to: .retired, at: stamp, step: "be retired", in: db)
            var row = CardRetirement(cardID: id, fromState: card.state, why: why, retiredAt: stamp)
            try row.insert(db)
            return row
        }
    }

    public func retirements(cardID: String) throws(LabStoreError) -> [CardRetirement] {
        try read("read retirements") { db in
            try CardRetirement.filter(Column("cardID") == cardID).order(Column("id")).fetchAll(db)
        }
    }

    // MARK: Import

    public func importMasterData(_ data: MasterDataImport) throws(LabStoreError) -> MasterDataImportSummary {
        let summary = try write("import master data") { db in
            var summary = MasterDataImportSummary()
            // Each customer's wearers (by look-up hash) and enrolments (by wearer, type, length, start)
            // are read once, when the customer's first row comes: one query per customer, not per row
            // (10 000 rows in well under the 5 s the issue asks for).
            var wearers: [String: [Data: Wearer]] = [:]
            var enrolments: [String: [String: Enrolment]] = [:]
            var nextSequence = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) + 1 FROM enrolment") ?? 1
            for row in data.rows {
                let customerID = row.customer.id
                // Customers by number: added, or changed to the file's record.
                if wearers[customerID] == nil {
                    if let old = try Customer.fetchOne(db, key: customerID) {
                        let merged = old.merging(imported: row.customer)
                        if merged != old { try merged.update(db); summary.customersUpdated += 1 }
                    } else {
                        try row.customer.insert(db)
                        summary.customersAdded += 1
                    }
                    var known: [Data: Wearer] = [:]
                    for w in try Wearer.filter(Column("customerID") == customerID).fetchAll(db) { known[w.nationalIDLookup] = w }
                    wearers[customerID] = known
                    var enrolled: [String: Enrolment] = [:]
                    for e in try Enrolment.filter(Column("customerID") == customerID).fetchAll(db) { enrolled[MasterDataImport.enrolmentKey(e)] = e }
                    enrolments[customerID] = enrolled
                }
                // Wearers by the national ID's look-up hash within the customer.
                var wearer: Wearer
                if let existing = wearers[customerID]?[row.nationalID.lookup] {
                    wearer = existing
                    if let updated = row.updating(existing) {
                        wearer = updated
                        try wearer.update(db)
                        summary.wearersUpdated += 1
                    }
                } else {
                    wearer = Wearer(customerID: customerID, name: row.wearerName, protectedID: row.nationalID, birthDate: row.birthDate)
                    try wearer.insert(db)
                    summary.wearersAdded += 1
                }
                wearers[customerID, default: [:]][row.nationalID.lookup] = wearer
                guard let wearerID = wearer.id else { throw LabStoreError.wearerNotFound(0) }
                // Enrolments by customer, wearer, type, period length and start date.
                let k = row.enrolmentKey(wearer: wearerID)
                if let before = enrolments[customerID]?[k] {
                    if let existing = row.updating(before) {
                        do { try Self.refuseScheduleChange(from: before, to: existing, in: db) } catch let error as LabStoreError {
                            throw LabStoreError.invalidRecord("line \(row.line): \(error)")
                        }
                        if let problem = MasterDataValidation.enrolmentProblem(existing) {
                            throw LabStoreError.invalidRecord("line \(row.line): \(problem)")
                        }
                        try existing.update(db)
                        enrolments[customerID]?[k] = existing
                        summary.enrolmentsUpdated += 1
                    } else {
                        summary.unchangedRows += 1
                    }
                } else {
                    var e = row.newEnrolment(wearer: wearerID, sequence: nextSequence, orderedOn: data.orderedOn)
                    if let problem = MasterDataValidation.enrolmentProblem(e) {
                        throw LabStoreError.invalidRecord("line \(row.line): \(problem)")
                    }
                    try e.insert(db)
                    nextSequence += 1
                    enrolments[customerID]?[k] = e
                    summary.enrolmentsAdded += 1
                }
            }
            return summary
        }
        // Counts only: never a name or an ID in the log.
        logger.info("master data imported", metadata: [
            "rows": "\(data.rows.count)", "customersAdded": "\(summary.customersAdded)",
            "wearersAdded": "\(summary.wearersAdded)", "enrolmentsAdded": "\(summary.enrolmentsAdded)",
        ])
        return summary
    }

    /// Refuses to move an enrolment's periods once cards were issued for them: the issued periods
    /// would no longer be periods of its schedule. Only the end date may change then.
    static func refuseScheduleChange(from old: Enrolment, to new: Enrolment, in db: Database) throws {
        guard old.movesSchedule(to: new), let id = old.id else { return }
        if try CardIssue.filter(Column("enrolmentID") == id.rawValue).fetchCount(db) > 0 { throw old.scheduleChangeRefusal }
    }
}
