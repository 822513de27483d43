/// Everything the lab store can refuse or fail to do. Each case says one thing.
///
/// The errors name no backend: each backend maps its own failures (SQLite result codes in
/// LabStoreSQLite, PostgreSQL SQLSTATEs in LabStorePostgres) into these cases, and a caller matches a
/// family (``family``), e.g. `error.family == .busy` to try again later, never a backend's code.
public enum LabStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    // MARK: Opening

    /// The database file could not be opened or configured.
    case cannotOpen(path: String, reason: String)
    /// A schema migration failed; the database is left at the previous migration.
    case migrationFailed(reason: String)
    /// The database was migrated by a newer program that knows migrations this one does not.
    case databaseIsNewer(unknownMigrations: [String])
    /// The file is not a lab database (another program's SQLite file, or not SQLite at all); it was
    /// left untouched.
    case notALabDatabase(path: String, reason: String)

    // MARK: Invalid input

    /// The group ID is not 1…16 printable ASCII characters without surrounding spaces.
    case invalidGroupID(String)
    /// The card ID is empty or has control characters.
    case invalidCardID(String)
    /// The element number is not a position on this batch's cards.
    case elementOutOfRange(element: Int, elementsPerCard: Int)
    /// A batch must have 1…4 element positions per card.
    case invalidElementsPerCard(Int)
    /// A lost element needs a reason, for the record.
    case missingLostReason
    /// The curve has a different number of temperature values than of count values.
    case channelCountMismatch(counts: Int, temperatures: Int)
    /// The curve has no channels or more than the reader can deliver (1…4096).
    case channelCountOutOfRange(Int)
    /// The curve's data does not give the checksum the reader sent with it.
    case curveChecksumMismatch(readerCRC32: UInt32, computedCRC32: UInt32)
    /// A dose or calibration value is NaN or infinite.
    case nonFiniteValue(field: String)

    // MARK: State

    /// No batch has this id.
    case batchNotFound(ReadoutBatch.ID)
    /// The batch is complete: no more readings or QC records go into it.
    case batchNotOpen(ReadoutBatch.ID)
    /// The source already has an open batch; resume or finish it first.
    case batchAlreadyOpen(source: String, existing: ReadoutBatch.ID)
    /// This element of this card already has a row in this batch; nothing was changed.
    case duplicateReading(batch: ReadoutBatch.ID, cardID: String, element: Int)
    /// The card has no stored element in the batch, so it has no dose (a lost element never does).
    case noStoredReadings(batch: ReadoutBatch.ID, cardID: String)
    /// No dose result has this id.
    case doseNotFound(DoseResult.ID)
    /// The dose version was replaced by a newer one and cannot change.
    case doseSuperseded(DoseResult.ID)
    /// The dose is released and cannot change or be deleted.
    case releasedDoseIsImmutable(DoseResult.ID)
    /// The dose state cannot move this way (see ``DoseState/canChange(to:)``).
    case invalidDoseStateChange(from: DoseState, to: DoseState)

    // MARK: Lab records

    /// No customer has this number.
    case customerNotFound(String)
    /// No wearer has this id.
    case wearerNotFound(Int64)
    /// No enrolment has this id or number.
    case enrolmentNotFound(String)
    /// No card has this number.
    case cardNotFound(String)
    /// No issue has this id.
    case issueNotFound(Int64)
    /// No customer return has this id, or it is closed.
    case returnNotOpen(Int64)
    /// The card is not in a state that allows the step.
    case cardInWrongState(cardID: String, state: CardState, step: String)
    /// The card's type is not the enrolment's.
    case cardTypeMismatch(cardID: String, card: DosimeterType, enrolment: DosimeterType)
    /// The card's dose is not released, so it cannot be zeroed or reissued.
    case doseNotReleased(cardID: String)
    /// An inspection that cannot be recorded as given.
    case invalidInspection(String)
    /// A name, date or other field of a lab record is missing or malformed.
    case invalidRecord(String)

    // MARK: Database

    /// A trigger refused to change a row that must not change (SQLITE_CONSTRAINT_TRIGGER).
    case immutableRow(message: String)
    /// A constraint (CHECK, UNIQUE, FOREIGN KEY, NOT NULL) refused the write.
    case constraintViolation(operation: String, message: String)
    /// The database stayed locked by another connection beyond the busy timeout (or, on PostgreSQL,
    /// a serialization failure, deadlock or lock timeout). Nothing was written; try again.
    case databaseBusy(operation: String)
    /// The database server is out of reach (stopped, restarting, the connection lost) after this store
    /// had reached it. Nothing was written; the same call may succeed when it is back.
    case databaseUnreachable(operation: String, reason: String)
    /// A stored row cannot be decoded (e.g. a malformed curve BLOB).
    case corruptRow(table: String, reason: String)
    /// Any other failure of the database itself (I/O, a full disk, a file it cannot open, a
    /// permission), by kind.
    case storage(operation: String, failure: StorageFailure, message: String)
    /// A failure that is not the database's (e.g. a value that cannot be encoded).
    case unexpected(operation: String, message: String)

    /// What kind of failure of the database itself a ``storage(operation:failure:message:)`` is.
    public enum StorageFailure: String, Sendable, Hashable, CaseIterable {
        /// Reading or writing the storage failed (an I/O error, a broken file or connection protocol).
        case io
        /// The disk (or the database's quota) is full.
        case full
        /// The database's file or server cannot be opened.
        case cannotOpen
        /// The database refuses this program (read-only, no permission, authorization).
        case permission
        /// Anything else.
        case other
    }

    /// The families of errors, for callers that decide what to do next (retry, stop, report).
    public enum Family: Sendable, Hashable, CaseIterable {
        /// Opening the database or migrating its schema failed.
        case opening
        /// The input is malformed (IDs, curves, values).
        case invalidInput
        /// The records are not in a state that allows the step (the cycle's interlocks).
        case state
        /// A row that must not change, or a constraint, refused the write.
        case refused
        /// Locked by another writer: nothing was written, try again.
        case busy
        /// The database server is out of reach: nothing was written, try again when it is back.
        case unreachable
        /// A stored row cannot be read.
        case corrupt
        /// The database itself failed (``StorageFailure``).
        case storage
        /// Anything else.
        case unexpected
    }

    /// The family of this error.
    public var family: Family {
        switch self {
        case .cannotOpen, .migrationFailed, .databaseIsNewer, .notALabDatabase: .opening
        case .invalidGroupID, .invalidCardID, .elementOutOfRange, .invalidElementsPerCard, .missingLostReason,
             .channelCountMismatch, .channelCountOutOfRange, .curveChecksumMismatch, .nonFiniteValue,
             .invalidInspection, .invalidRecord:
            .invalidInput
        case .batchNotFound, .batchNotOpen, .batchAlreadyOpen, .duplicateReading, .noStoredReadings, .doseNotFound,
             .doseSuperseded, .releasedDoseIsImmutable, .invalidDoseStateChange, .customerNotFound, .wearerNotFound,
             .enrolmentNotFound, .cardNotFound, .issueNotFound, .returnNotOpen, .cardInWrongState, .cardTypeMismatch,
             .doseNotReleased:
            .state
        case .immutableRow, .constraintViolation: .refused
        case .databaseBusy: .busy
        case .databaseUnreachable: .unreachable
        case .corruptRow: .corrupt
        case .storage: .storage
        case .unexpected: .unexpected
        }
    }

    /// Whether the database itself failed (busy, out of reach, storage): the write did not happen and
    /// the work should stop (and may be tried again), rather than be recorded as refused.
    public var isDatabaseFailure: Bool {
        switch family {
        case .busy, .unreachable, .storage: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            "cannot open the lab database at \(path): \(reason)"
        case let .migrationFailed(reason):
            "the lab database schema could not be migrated: \(reason)"
        case let .notALabDatabase(path, reason):
            "\(path) is not a lab database: \(reason); it was left untouched (give the lab's database with --database)"
        case let .databaseIsNewer(unknown):
            "the lab database was written by a newer program (unknown migrations: \(unknown.joined(separator: ", ")))"
        case let .invalidGroupID(groupID):
            "group ID \"\(groupID)\" is not 1–16 printable ASCII characters"
        case let .invalidCardID(cardID):
            "card ID \"\(cardID)\" is empty or has control characters"
        case let .elementOutOfRange(element, elementsPerCard):
            "element \(element) is not a position on a card with \(elementsPerCard) elements"
        case let .invalidElementsPerCard(count):
            "a card has 1–4 element positions, not \(count)"
        case .missingLostReason:
            "a lost element needs a reason"
        case let .channelCountMismatch(counts, temperatures):
            "the curve has \(counts) count channels but \(temperatures) temperature channels"
        case let .channelCountOutOfRange(count):
            "a curve has 1–4096 channels, not \(count)"
        case let .curveChecksumMismatch(reader, computed):
            "the curve's CRC-32 is \(hex(computed)) but the reader sent \(hex(reader))"
        case let .nonFiniteValue(field):
            "\(field) is not a finite number"
        case let .batchNotFound(id):
            "no readout batch \(id)"
        case let .batchNotOpen(id):
            "readout batch \(id) is complete and takes no more readings"
        case let .batchAlreadyOpen(source, existing):
            "\(source) already has open batch \(existing); resume or finish it first"
        case let .duplicateReading(batch, cardID, element):
            "card \(cardID) element \(element) is already recorded in batch \(batch)"
        case let .noStoredReadings(batch, cardID):
            "card \(cardID) has no stored element in batch \(batch), so it has no dose"
        case let .doseNotFound(id):
            "no dose result \(id)"
        case let .doseSuperseded(id):
            "dose result \(id) was superseded by a newer version and cannot change"
        case let .releasedDoseIsImmutable(id):
            "dose result \(id) is released and cannot change"
        case let .invalidDoseStateChange(from, to):
            "a dose cannot go from \(from.rawValue) to \(to.rawValue)"
        case let .customerNotFound(id): "no customer \(id)"
        case let .wearerNotFound(id): "no wearer #\(id)"
        case let .enrolmentNotFound(id): "no enrolment \(id)"
        case let .cardNotFound(id): "no card \(id) in the lab's records"
        case let .issueNotFound(id): "no card issue #\(id)"
        case let .returnNotOpen(id): "customer return #\(id) does not exist or is closed"
        case let .cardInWrongState(card, state, step):
            "card \(card) is \(state.rawValue): it cannot \(step)"
        case let .cardTypeMismatch(card, cardType, enrolmentType):
            "card \(card) is a \(cardType.displayName) card, the enrolment is for \(enrolmentType.displayName)"
        case let .doseNotReleased(card):
            "card \(card): its dose is not released, so it cannot be zeroed or reissued"
        case let .invalidInspection(reason): "inspection refused: \(reason)"
        case let .invalidRecord(reason): "invalid record: \(reason)"
        case let .immutableRow(message):
            "refused by the database: \(message)"
        case let .constraintViolation(operation, message):
            "\(operation): constraint violated: \(message)"
        case let .databaseBusy(operation):
            "\(operation): the database stayed locked by another program; nothing was written"
        case let .databaseUnreachable(operation, reason):
            "\(operation): the database server is out of reach (\(reason)); nothing was written"
        case let .corruptRow(table, reason):
            "a row of \(table) cannot be read: \(reason)"
        case let .storage(operation, failure, message):
            "\(operation): the database failed (\(failure.rawValue)): \(message)"
        case let .unexpected(operation, message):
            "\(operation): \(message)"
        }
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
