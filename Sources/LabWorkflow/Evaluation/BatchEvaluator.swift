import Dosimetry
import Foundation
import GlowCurve
import LabStore
import Logging

/// Turns the stored raw readings of a batch into doses: derives the batch's reader calibration from
/// its calibration dosimeters, the background from its control dosimeters, and asks the dose
/// algorithm for each card. Needs only the store: re-evaluation never needs the cards.
public struct BatchEvaluator: Sendable {
    public var algorithm: DoseAlgorithm
    public var signal: SignalEvaluation
    /// Limits of the glow-curve quality screen run on every element read (spikes, saturation,
    /// incandescence, a high low-temperature peak; a peak shift once a reference Tm is set).
    public var qualityLimits: QualityLimits = .init()
    /// Curves whose net ROI signal is below this many counts are not screened: at background level
    /// the screen would only describe dark noise and the heater's own glow.
    public var qualityScreenMinimumNetCounts: Double = 2_000
    /// Limits of the incandescence and dark-count checks against the batch's blank (BatchReaderBlank.swift).
    public var readerBlankLimits = ReaderBlankLimits()
    /// How long stored calibration values stay in force: a stored reader calibration past it is
    /// refused (the batch needs calibration dosimeters or a new calibration); an element correction
    /// coefficient past it is still applied, but the card goes to review with a remark.
    public var validity: CalibrationValidity = .default
    let store: any DoseStore
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        store: any DoseStore, algorithm: DoseAlgorithm = DoseAlgorithm(), signal: SignalEvaluation = .lifMgTiDefault,
        logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.algorithm = algorithm
        self.signal = signal
        self.logger = logger
        self.now = now
    }

    struct CardInput {
        var card: BatchCard
        var signals: CardSignals
        var flags: [DoseFlag]
        var remarks: [String]
    }

    /// Evaluates every card of the batch that has readings and no current dose yet (all of them when
    /// `reevaluate` is set, which adds a new dose version per card), then concludes the batch's
    /// evaluation state. Returns the current doses.
    ///
    /// A card's problem never stops the other cards: a card without a stored element, a batch without
    /// calibration, or a card whose readings cannot be evaluated gets a recorded
    /// ``NotEvaluatedReason`` instead of a dose, and the next evaluation (`tld evaluate`) tries it again.
    /// Each dose is stored in one transaction together with the reasons it goes to review
    /// (``ReviewPolicy``), so a kill at any moment leaves no dose that skipped review.
    @discardableResult
    public func evaluate(batchID: ReadoutBatch.ID, reevaluate: Bool = false) throws -> [DoseResult] {
        guard let batch = try store.batch(id: batchID) else { throw WorkflowError.batchNotFound("\(batchID)") }
        let records = try evaluationStore()
        let manifest = Dictionary(uniqueKeysWithValues: try store.manifest(batch: batchID).map { ($0.cardID, $0) })
        let readings = Dictionary(grouping: try store.readings(batch: batchID), by: \.cardID)
        func notEvaluated(_ card: String, _ reason: NotEvaluatedReason, _ detail: String) throws {
            logger.warning("card not evaluated: \(reason.description): \(detail)", metadata: ["card": "\(card)", "batch": "\(batch.groupID)"])
            try records.recordNotEvaluated(CardNotEvaluated(batchID: batchID, cardID: card, reason: reason, detail: detail, recordedAt: now()))
        }
        let blank = readerBlank(readings, manifest: manifest)
        var inputs: [CardInput] = []
        for id in readings.keys.sorted() {
            do {
                inputs.append(try cardInput(id, readings[id] ?? [], manifest[id] ?? BatchCard(batchID: batchID, cardID: id, role: .worker, annealedAt: nil), blank: blank))
            } catch {
                try notEvaluated(id, .evaluationFailed, "\(error)")
            }
        }

        var calibrationProblem = ""
        var calibration: (value: ReaderCalibration, id: String)?
        do { calibration = try batchCalibration(batch, inputs) } catch { calibrationProblem = "\(error)" }
        let controls = inputs.filter { $0.card.role == .control }.map(\.signals)
        let background = calibration.flatMap { algorithm.background(controls: controls, calibration: $0.value) }
        let done = reevaluate ? [] : Set(try store.currentDoses(batch: batchID).map(\.cardID))
        let qcFailures = try readerQCFindings(batch).filter(\.isFailure)
        let policy = ReviewPolicy(store: records)

        for input in inputs where !done.contains(input.card.cardID) {
            let id = input.card.cardID
            let stored = (readings[id] ?? []).filter { if case .stored = $0.outcome { true } else { false } }
            guard !stored.isEmpty else {
                let states = (readings[id] ?? []).map { r -> String in
                    switch r.outcome {
                    case let .lost(reason): "element \(r.element) lost (\(reason))"
                    case .absent: "element \(r.element) absent"
                    case .stored: "element \(r.element) stored"
                    }
                }
                try notEvaluated(id, .noStoredElement, states.joined(separator: ", "))
                continue
            }
            guard let calibration else {
                try notEvaluated(id, .noCalibration, calibrationProblem)
                continue
            }
            do {
                try evaluateCard(input, calibration: calibration.value, calibrationID: calibration.id, background: background,
                                 qcFailures: qcFailures, policy: policy, store: records)
            } catch let error as LabStoreError where error.isDatabaseFailure {
                throw error  // the database itself failed (busy, out of reach, I/O, full): the run stops, the batch stays pending
            } catch {
                try notEvaluated(id, .evaluationFailed, "\(error)")
            }
        }
        // The issues are linked to the batch and the inspected cards move to `read` only once every card
        // has its dose or reason, and before the batch counts as evaluated: a command that finds the
        // cards still `inspected` reads (resumes) the batch again, one that finds the batch pending
        // evaluates it.
        if batch.state == .complete { try records.attributeReadings(batch: batchID) }
        let state = try records.concludeEvaluation(batch: batchID)
        logger.info("batch evaluation: \(state.rawValue)", metadata: ["batch": "\(batch.groupID)"])
        let doses = try store.currentDoses(batch: batchID)
        // Monitoring levels: the period dose and the person's running sums (LevelCheck.swift).
        if let cases = records as? any CaseStore { try LevelCheck(store: cases, logger: logger, now: now).check(doses: doses.compactMap(\.id)) }
        return doses
    }

    /// The store as the evaluation needs it (the SQLite store is one).
    func evaluationStore() throws -> any EvaluationStore {
        guard let records = store as? any EvaluationStore else {
            throw WorkflowError.noCalibration(batchGroupID: "?", reason: "the store keeps no evaluation records")
        }
        return records
    }

    /// The algorithm of a card's dosimeter type: the whole-body algorithm for whole-body and shoulder
    /// cards (and the lab's calibration and control dosimeters), the finger card's own (its one thin
    /// element: Hp(0.07) only); nil for the neutron card, whose algorithm is not implemented.
    func algorithm(for card: BatchCard) -> DoseAlgorithm? {
        guard card.role == .worker else { return algorithm }
        switch card.dosimeterType ?? .wholeBody {
        case .wholeBody, .shoulder: return algorithm
        case .finger:
            var finger = algorithm
            finger.cardType = .finger
            return finger
        case .neutron: return nil
        }
    }

    /// Assesses one card with the algorithm of its type and stores its dose with the reasons it goes
    /// to review, in one transaction.
    @discardableResult
    func evaluateCard(
        _ input: CardInput, calibration: ReaderCalibration, calibrationID: String, background: BackgroundEstimate?,
        qcFailures: [ReaderQCCheck.Finding], policy: ReviewPolicy, store records: any EvaluationStore, leadingRemark: String? = nil
    ) throws -> DoseResult {
        var flags: [DoseFlag]
        var remarks = input.remarks
        var hp10: Double?
        var hp007: Double?
        var detectionLimit: Double?
        if let algorithm = algorithm(for: input.card) {
            let a = algorithm.assess(input.signals, calibration: calibration, background: background)
            flags = a.flags + input.flags
            remarks += a.remarks
            hp10 = a.hp10?.value
            hp007 = a.hp007?.value
            detectionLimit = a.detectionLimit.value
            if algorithm.cardType.position(for: .deep) == nil {
                // A finger card reports Hp(0.07) only: no Hp(10), and that is not a defect.
                hp10 = nil
                flags.removeAll { $0 == .hp10NotAssessable || $0 == .belowDetectionLimit }
                remarks.insert("finger dosimeter: Hp(0.07) only", at: 0)
            }
        } else {
            flags = input.flags + [.neutronAlgorithmNotAvailable]
            remarks.insert("neutron dosimeter: the neutron evaluation is not available; no photon dose is reported for it", at: 0)
        }
        if input.card.role != .worker { remarks.insert("\(input.card.role.rawValue) dosimeter", at: 0) }
        if let leadingRemark { remarks.insert(leadingRemark, at: 0) }
        if !qcFailures.isEmpty {
            flags.append(.readerQCFailed)
            remarks += qcFailures.map { "reader QC: \($0)" }
        }
        if hp10 == nil && hp007 == nil && flags.isEmpty { flags.append(.hp10NotAssessable) }
        let reasons = try policy.reasons(card: input.card, flags: flags, hp10: hp10, hp007: hp007)
        return try records.saveEvaluatedDose(DoseEvaluation(
            batchID: input.card.batchID, cardID: input.card.cardID, hp10MilliSievert: hp10, hp007MilliSievert: hp007,
            detectionLimitMilliSievert: detectionLimit, flags: flags.map(\.code), remarks: remarks.joined(separator: "; "),
            algorithmID: DoseAlgorithm.identifier, calibrationID: calibrationID, evaluatedAt: now(),
            state: reasons.isEmpty ? .evaluated : .needsReview), reviewReasons: reasons, audit: .automatic)
    }

    func cardInput(_ id: String, _ readings: [StoredReading], _ card: BatchCard, blank: ReaderBlank? = nil) throws -> CardInput {
        var elements: [Int: CardSignals.Element] = [:]
        var lowTemperature: [Int: NetSignal] = [:]
        var flags: [DoseFlag] = []
        var remarks: [String] = []
        var readAt: Date?
        for r in readings {
            readAt = readAt.map { min($0, r.readAt) } ?? r.readAt
            switch r.outcome {
            case let .stored(curve):
                do {
                    let g = try curve.glowCurve()
                    let net = signal.netSignal(of: g, darkCountsPerChannel: curve.darkCountsPerChannel)
                    elements[r.element] = .measured(net)
                    if let w = algorithm.thermalHistory?.lowWindow {
                        lowTemperature[r.element] = signal.netSignal(of: g, darkCountsPerChannel: curve.darkCountsPerChannel, in: w)
                    }
                    for q in glowFlags(g, darkCountsPerChannel: curve.darkCountsPerChannel, netCounts: net.netCounts, blank: blank) {
                        let flag = DoseFlag.glow(GlowFlagCode(q))
                        if !flags.contains(flag) { flags.append(flag) }
                        remarks.append("element \(r.element): \(q)")
                    }
                } catch {
                    elements[r.element] = .lost(reason: "glow curve unusable: \(error)")
                    flags.append(.glowCurveInvalid)
                    remarks.append("element \(r.element): glow curve unusable (\(error))")
                }
            case let .lost(reason):
                elements[r.element] = .lost(reason: reason)
                remarks.append("element \(r.element) lost: \(reason)")
            case .absent:
                elements[r.element] = .absent
            }
        }
        let days: Days
        if let annealed = card.annealedAt, let readAt {
            days = max(Days(0), Days(from: annealed, to: readAt))
        } else {
            // Unknown anneal date: read as if at the calibration conditions (no fading correction).
            days = Days(16)
            flags.append(.annealDateUnknown)
            remarks.append("anneal date unknown: no fading correction")
        }
        // Element correction coefficients in force at the readout (history: ElementCorrectionRun).
        var ecc: [Int: Double] = [:]
        let eccDate = readAt ?? now()
        for e in elements.keys.sorted() {
            if let r = try store.calibration(kind: .elementCorrection, subject: ElementCorrection.recordSubject(card: id, element: e), at: eccDate) {
                ecc[e] = r.value
                let age = Days(from: r.validFrom, to: eccDate)
                if !validity.isValid(.elementCorrection, age: age) {
                    if !flags.contains(.elementCorrectionExpired) { flags.append(.elementCorrectionExpired) }
                    remarks.append("element \(e): correction coefficient \(r.value) (record \(r.id.map { "\($0.rawValue)" } ?? "?")) is \(Int(age.value)) days old, valid for \(Int(validity.elementCorrection.value)); applied, recalibrate the card")
                }
            }
        }
        return CardInput(card: card, signals: CardSignals(cardID: id, elements: elements, daysFromAnneal: days, elementCorrection: ecc,
                                                                lowTemperature: card.annealedAt == nil ? [:] : lowTemperature),
                         flags: flags, remarks: remarks)
    }

    /// The calibration of this batch: from its calibration dosimeters (stored as calibration records,
    /// once), else the latest stored calibration of the same reader.
    func batchCalibration(_ batch: ReadoutBatch, _ inputs: [CardInput]) throws -> (value: ReaderCalibration, id: String) {
        let roles: [ElementRole] = algorithm.cardType.elements.map(\.role)
        let dosimeters: [ReaderCalibration.Dosimeter] = inputs.filter { $0.card.role == .calibration }.compactMap { input in
            guard let h10 = input.card.deliveredHp10MilliSievert, let h007 = input.card.deliveredHp007MilliSievert else { return nil }
            var net: [ElementRole: Double] = [:]
            for role in roles {
                guard let pos = algorithm.cardType.position(for: role),
                      case let .measured(s)? = input.signals.elements[pos.number] else { continue }
                let ecc = input.signals.elementCorrection[pos.number] ?? 1
                net[role] = s.netCounts * ecc / algorithm.fading.factor(daysFromAnnealToReadout: input.signals.daysFromAnneal)
            }
            return .init(cardID: input.card.cardID, netCounts: net, deliveredHp10: MilliSievert(h10), deliveredHp007: MilliSievert(h007))
        }
        let subject = batch.readerSerial
        let source = "batch \(batch.groupID): calibration dosimeters"
        if !dosimeters.isEmpty {
            let cal = try ReaderCalibration.derive(from: dosimeters, source: source)
            let validFrom = batch.createdAt
            for role in roles {
                guard let k = cal.countsPerMilliSievert[role] else { continue }
                let kind = CalibrationKind.countsPerMilliSievert(role)
                let existing = try store.calibrations(kind: kind, subject: subject).filter { $0.source.hasPrefix(source) }
                if existing.isEmpty {
                    _ = try store.saveCalibration(CalibrationRecord(
                        kind: kind, subject: subject, value: k, unit: "counts/mSv", validFrom: validFrom,
                        source: "\(source) \(cal.used.joined(separator: ","))"
                            + (cal.rejected.isEmpty ? "" : "; rejected \(cal.rejected.joined(separator: ","))")))
                }
            }
            return (cal, "batch:\(batch.groupID)")
        }
        let (stored, records) = try storedReaderCalibration(
            batch, at: batch.createdAt, validity: validity, staleContext: "no calibration dosimeters in the batch, and ")
        guard stored[.deep] != nil else {
            throw WorkflowError.noCalibration(batchGroupID: batch.groupID,
                                              reason: "no calibration dosimeters in the batch and no stored calibration for reader \(subject)")
        }
        return (ReaderCalibration(countsPerMilliSievert: stored, used: [], rejected: [], source: "stored"),
                Reevaluation.calibrationID(records))
    }

    /// The stored reader calibration of the batch's reader in force at `date`: counts per mSv by element
    /// role and the records they come from. A record older than `validity` allows is refused
    /// (`WorkflowError.noCalibration`, its reason starting with `staleContext`).
    func storedReaderCalibration(
        _ batch: ReadoutBatch, at date: Date, validity: CalibrationValidity, staleContext: String
    ) throws -> (counts: [ElementRole: Double], records: [CalibrationRecord]) {
        var counts: [ElementRole: Double] = [:]
        var records: [CalibrationRecord] = []
        for role in algorithm.cardType.elements.map(\.role) {
            let kind = CalibrationKind.countsPerMilliSievert(role)
            guard let r = try store.calibration(kind: kind, subject: batch.readerSerial, at: date) else { continue }
            let age = Days(from: r.validFrom, to: date)
            guard validity.isValid(.readerCalibration, age: age) else {
                throw WorkflowError.noCalibration(
                    batchGroupID: batch.groupID,
                    reason: "\(staleContext)the stored calibration record \(r.id.map { "\($0.rawValue)" } ?? "?") (\(kind.rawValue)) of reader \(batch.readerSerial) is \(Int(age.value)) days old, valid for \(Int(validity.readerCalibration.value))")
            }
            counts[role] = r.value
            records.append(r)
        }
        return (counts, records)
    }
}
