import Dosimetry
import Foundation
import Instruments
import LabStore
import Logging
import ReaderProtocol

/// The lab's main job: read a magazine of returned cards into a batch, storing every raw glow curve
/// durably before the reader releases it, then evaluate the doses.
///
/// Crash-safe by construction: the reader keeps an unreleased curve (PROTOCOL.md 6), the batch stays
/// `open` in the store until the magazine is empty, and running the job again resumes the same batch
/// (found by the reader's serial number), never reading an element twice.
public struct ReadoutJob: Sendable {
    /// The readout role of the store: all the job itself needs (a PostgreSQL store implements it).
    let store: any ReadoutStore
    let logger: Logger
    let now: @Sendable () -> Date
    /// Evaluates a finished batch into doses; nil when the store has only the readout role (the
    /// batch then stays pending, see ``init(readoutStore:logger:now:)``).
    public var evaluator: BatchEvaluator?
    /// Whether a finished batch is evaluated into doses (false for anneal background checks, whose
    /// readings are not doses of a wearer).
    public var evaluatesDoses = true
    /// Reader QC is recorded once per session: when set, a batch that already has a QC record taken
    /// at or after this time gets no other (a reconnect within one run is not a new session).
    public var readerQCSessionStart: Date?
    /// The batch reads annealed cards for their background check: it is never evaluated into doses
    /// (`notForDoses`) and its cards are not attributed to issues. (With only `evaluatesDoses` false,
    /// the batch stays pending and is evaluated later.)
    public var backgroundCheck = false

    public init(store: any DoseStore, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.logger = logger
        self.now = now
        self.evaluator = BatchEvaluator(store: store, logger: logger, now: now)
    }

    /// A job on a store without the evaluation role (``EvaluationStore``; the PostgreSQL store so far):
    /// it reads and stores every curve, and evaluates nothing (`evaluatesDoses` is false; the batch
    /// stays pending for an evaluation where the store has the evaluation role).
    public init(readoutStore: any ReadoutStore, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        if let full = readoutStore as? any DoseStore, full is any EvaluationStore {
            self = ReadoutJob(store: full, logger: logger, now: now)
        } else {
            self.store = readoutStore
            self.logger = logger
            self.now = now
            self.evaluator = nil
            self.evaluatesDoses = false
        }
    }

    /// What a run did.
    public struct Outcome: Sendable {
        public var batch: ReadoutBatch
        /// The batch was open from an earlier, interrupted run.
        public var resumed: Bool
        /// Elements (stored or lost) the batch held before this run.
        public var elementsBefore: Int
        public var summary: ReadoutSummary
        public var doses: [DoseResult]
        public var manifest: [BatchCard]
        public var reader: WireReaderIdentity
        public var link: LinkCounters
    }

    public enum Result: Sendable {
        case read(Outcome)
        /// The reader had no card to read and no batch of this reader was open.
        case nothingToRead(reader: WireReaderIdentity, lastBatch: ReadoutBatch?)
    }

    /// The stable source name of a reader: its serial number, so that a resumed batch is found again
    /// even when the adapter comes back as another /dev/ttyUSBn.
    public static func source(for identity: WireReaderIdentity) -> String { "reader:\(identity.serial)" }

    /// Reads the reader's magazine into a new or resumed batch and evaluates it.
    /// - Parameters:
    ///   - manifest: what the lab knows of the cards expected (roles, anneal dates, calibration doses);
    ///     a card read that is not listed is recorded as a worker card of unknown anneal date.
    ///   - groupID: the batch's group ID (≤ 16 characters); generated from the date when nil.
    public func run(
        reader: TLReader, manifest: [ShipmentCard], groupID: String? = nil,
        profile: WireProfile = .lifMgTiDefault,
        progress: @escaping @Sendable (ReadoutProgress) -> Void = { _ in }
    ) async throws -> Result {
        try ManifestValidation.check(manifest)  // before any batch is opened
        let connection = try await reader.connect()
        let identity = connection.identity
        let source = Self.source(for: identity)
        var resumed = true
        var batch: ReadoutBatch
        if let open = try store.findOpenBatch(source: source) {
            batch = open
            logger.notice("resuming open batch \(open.groupID)", metadata: ["reader": "\(identity.serial)"])
        } else {
            let st = connection.status
            if st.state == .idle && st.magazineRemaining == 0 {
                let last = try store.batches().last { $0.source == source }
                // Killed after the magazine was read: the batch is read but not evaluated; finish it.
                if evaluatesDoses && !backgroundCheck, let evaluator, let id = last?.id, try (store as? any EvaluationStore)?.batchEvaluation(id: id) == .pending {
                    try evaluator.evaluate(batchID: id)
                }
                return .nothingToRead(reader: identity, lastBatch: last)
            }
            resumed = false
            batch = try store.openBatch(
                groupID: groupID ?? Self.groupID(now()), reader: StoredReaderIdentity(
                    model: identity.model, serial: identity.serial, firmware: identity.firmware),
                elementsPerCard: Int(identity.elementsPerCard), timeTemperatureProfile: Self.stored(profile), source: source)
        }
        guard let batchID = batch.id else { throw WorkflowError.batchNotFound(batch.groupID) }
        let records = store as? any EvaluationStore
        if backgroundCheck { try records?.markBatchNotForDoses(id: batchID) }
        // Attributed to the lab's issues: the cards the lab expects come from its records.
        let manifest = backgroundCheck ? manifest : try records.map { try ReturnedCards(store: $0).manifest(given: manifest) } ?? manifest
        try store.saveManifest(manifest.map { $0.batchCard(batchID) })
        let before = try store.readings(batch: batchID).count

        // Reader QC before reading on: dark counts, reference light, HV, heater. A reader that comes
        // back mid-operation (re-plug, restart while heating) answers QC with `busy`: let it settle.
        let settled = try await reader.waitUntilSettled()
        if try !readerQCRecordedThisSession(batchID) {
            let qc = try await reader.qc()
            _ = try store.saveReaderQC(ReaderQCRecord(
                batchID: batchID, takenAt: now(), pmtDarkCountsPerSecond: qc.pmtDarkCountsPerSecond,
                referenceLightCounts: qc.referenceLightCounts, highVoltageVolts: qc.highVoltageVolts,
                heaterDeciCelsius: qc.heaterDeciCelsius))
        }
        if settled.state == .idle || settled.state == .cardLoaded {
            _ = try await reader.setProfile(Self.wire(batch.timeTemperatureProfile))
        }

        let sink = try StoreReadoutSink(store: store, batchID: batchID, logger: logger, now: now)
        let summary = try await reader.readMagazine(into: sink, progress: progress)
        batch = try store.finishBatch(id: batchID)
        let doses = evaluatesDoses && !backgroundCheck ? try evaluator?.evaluate(batchID: batchID) ?? [] : []
        return .read(Outcome(
            batch: batch, resumed: resumed, elementsBefore: before, summary: summary, doses: doses,
            manifest: try store.manifest(batch: batchID), reader: identity, link: await reader.linkCounters()))
    }

    /// Whether the batch has a QC record of this session (see ``readerQCSessionStart``).
    func readerQCRecordedThisSession(_ batchID: ReadoutBatch.ID) throws -> Bool {
        guard let start = readerQCSessionStart else { return false }
        // Stored times have millisecond precision: allow for the rounding.
        return try store.readerQC(batch: batchID).contains { $0.takenAt >= start.addingTimeInterval(-0.001) }
    }

    /// "B" + UTC date and time: `B20261123-1530` (14 characters, within the reader's 16).
    public static func groupID(_ date: Date) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC") ?? .current
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ v: Int?) -> String { let s = String(v ?? 0); return s.count < 2 ? "0" + s : s }
        return "B\(c.year ?? 0)\(two(c.month))\(two(c.day))-\(two(c.hour))\(two(c.minute))"
    }

    static func stored(_ p: WireProfile) -> StoredProfile {
        StoredProfile(
            preheatDeciCelsius: p.preheatDeciCelsius, preheatMilliseconds: p.preheatMilliseconds,
            rampDeciCelsiusPerSecond: p.rampDeciCelsiusPerSecond, maximumDeciCelsius: p.maxDeciCelsius,
            acquisitionMilliseconds: p.acquisitionMilliseconds, channels: p.channels,
            annealDeciCelsius: p.annealDeciCelsius, annealMilliseconds: p.annealMilliseconds)
    }

    static func wire(_ p: StoredProfile) -> WireProfile {
        WireProfile(
            preheatDeciCelsius: p.preheatDeciCelsius, preheatMilliseconds: p.preheatMilliseconds,
            rampDeciCelsiusPerSecond: p.rampDeciCelsiusPerSecond, maxDeciCelsius: p.maximumDeciCelsius,
            acquisitionMilliseconds: p.acquisitionMilliseconds, channels: p.channels,
            annealDeciCelsius: p.annealDeciCelsius, annealMilliseconds: p.annealMilliseconds)
    }
}
