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
    let store: any LabStore
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        store: any LabStore, algorithm: DoseAlgorithm = DoseAlgorithm(), signal: SignalEvaluation = .lifMgTiDefault,
        logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.algorithm = algorithm
        self.signal = signal
        self.logger = logger
        self.now = now
    }

    /// Flags the workflow adds to those of the dose algorithm.
    public enum WorkflowFlag: String, Sendable {
        case annealDateUnknown = "anneal-date-unknown"
        case glowCurveInvalid = "glow-curve-invalid"
        case elementCorrectionExpired = "element-correction-expired"
    }

    /// Flags that send a dose to the physicist for review instead of straight to `evaluated`.
    static let reviewFlags: Set<String> = [
        DoseFlag.deepElementLost.rawValue, DoseFlag.shallowElementLost.rawValue, DoseFlag.filteredElementLost.rawValue,
        DoseFlag.hp10FromFilteredElements.rawValue, DoseFlag.hp10NotAssessable.rawValue,
        DoseFlag.hp007NotAssessable.rawValue, DoseFlag.elementOutOfPattern.rawValue,
        DoseFlag.noBackgroundCorrection.rawValue, WorkflowFlag.annealDateUnknown.rawValue,
        WorkflowFlag.glowCurveInvalid.rawValue, WorkflowFlag.elementCorrectionExpired.rawValue, readerQCFailedFlag,
        // Glow-curve faults that make the ROI integral itself doubtful. Incandescence and a high
        // low-temperature peak stay informational: the ROI excludes the low-temperature peaks, and
        // the heater's glow is part of the background the control dosimeters measure.
        "glow-spike", "glow-saturation", "glow-peak-shift", "glow-dark-count",
    ]

    struct CardInput {
        var card: BatchCard
        var signals: CardSignals
        var flags: [String]
        var remarks: [String]
    }

    /// Evaluates every card of the batch that has readings and no current dose yet (all of them when
    /// `reevaluate` is set, which adds a new dose version per card). Returns the current doses.
    @discardableResult
    public func evaluate(batchID: ReadoutBatch.ID, reevaluate: Bool = false) throws -> [DoseResult] {
        guard let batch = try store.batch(id: batchID) else { throw WorkflowError.batchNotFound("\(batchID)") }
        let manifest = Dictionary(uniqueKeysWithValues: try store.manifest(batch: batchID).map { ($0.cardID, $0) })
        let readings = Dictionary(grouping: try store.readings(batch: batchID), by: \.cardID)
        let blank = readerBlank(readings, manifest: manifest)
        let inputs = try readings.keys.sorted().map { id in
            try cardInput(id, readings[id] ?? [], manifest[id] ?? BatchCard(batchID: batchID, cardID: id, role: .worker, annealedAt: nil), blank: blank)
        }

        let calibration = try batchCalibration(batch, inputs)
        let controls = inputs.filter { $0.card.role == .control }.map(\.signals)
        let background = algorithm.background(controls: controls, calibration: calibration.value)
        let done = Set(try store.currentDoses(batch: batchID).map(\.cardID))
        let qcFailures = try readerQCFindings(batch).filter(\.isFailure)

        for input in inputs where reevaluate || !done.contains(input.card.cardID) {
            let a = algorithm.assess(input.signals, calibration: calibration.value, background: background)
            var flags = a.flags.map(\.rawValue) + input.flags
            var remarks = input.remarks + a.remarks
            if input.card.role != .worker { remarks.insert("\(input.card.role.rawValue) dosimeter", at: 0) }
            if !qcFailures.isEmpty {
                flags.append(Self.readerQCFailedFlag)
                remarks += qcFailures.map { "reader QC: \($0)" }
            }
            if a.hp10 == nil && a.hp007 == nil && flags.isEmpty { flags.append(DoseFlag.hp10NotAssessable.rawValue) }
            let review = !Self.reviewFlags.isDisjoint(with: flags)
            _ = try store.saveDose(DoseEvaluation(
                batchID: batchID, cardID: input.card.cardID, hp10MilliSievert: a.hp10?.value,
                hp007MilliSievert: a.hp007?.value, detectionLimitMilliSievert: a.detectionLimit.value, flags: flags, remarks: remarks.joined(separator: "; "),
                algorithmID: DoseAlgorithm.identifier, calibrationID: calibration.id, evaluatedAt: now(),
                state: review ? .needsReview : .evaluated))
        }
        return try store.currentDoses(batch: batchID)
    }

    func cardInput(_ id: String, _ readings: [StoredReading], _ card: BatchCard, blank: ReaderBlank? = nil) throws -> CardInput {
        var elements: [Int: CardSignals.Element] = [:]
        var flags: [String] = []
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
                    for q in glowFlags(g, darkCountsPerChannel: curve.darkCountsPerChannel, netCounts: net.netCounts, blank: blank) {
                        let code = "glow-\(q.code)"
                        if !flags.contains(code) { flags.append(code) }
                        remarks.append("element \(r.element): \(q)")
                    }
                } catch {
                    elements[r.element] = .lost(reason: "glow curve unusable: \(error)")
                    flags.append(WorkflowFlag.glowCurveInvalid.rawValue)
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
            days = Days(max(0, readAt.timeIntervalSince(annealed) / 86_400))
        } else {
            // Unknown anneal date: read as if at the calibration conditions (no fading correction).
            days = Days(16)
            flags.append(WorkflowFlag.annealDateUnknown.rawValue)
            remarks.append("anneal date unknown: no fading correction")
        }
        // Element correction coefficients in force at the readout (history: ElementCorrectionRun).
        var ecc: [Int: Double] = [:]
        let eccDate = readAt ?? now()
        for e in elements.keys.sorted() {
            if let r = try store.calibration(kind: .elementCorrection, subject: ElementCorrection.recordSubject(card: id, element: e), at: eccDate) {
                ecc[e] = r.value
                let age = Days(eccDate.timeIntervalSince(r.validFrom) / 86_400)
                if !validity.isValid(.elementCorrection, age: age) {
                    if !flags.contains(WorkflowFlag.elementCorrectionExpired.rawValue) { flags.append(WorkflowFlag.elementCorrectionExpired.rawValue) }
                    remarks.append("element \(e): correction coefficient \(r.value) (record \(r.id.map { "\($0.rawValue)" } ?? "?")) is \(Int(age.value)) days old, valid for \(Int(validity.elementCorrection.value)); applied, recalibrate the card")
                }
            }
        }
        return CardInput(card: card, signals: CardSignals(cardID: id, elements: elements, daysFromAnneal: days, elementCorrection: ecc),
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
                let kind = CalibrationKind(rawValue: "countsPerMilliSievert/\(role.rawValue)")
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
            let kind = CalibrationKind(rawValue: "countsPerMilliSievert/\(role.rawValue)")
            guard let r = try store.calibration(kind: kind, subject: batch.readerSerial, at: date) else { continue }
            let age = Days(date.timeIntervalSince(r.validFrom) / 86_400)
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
