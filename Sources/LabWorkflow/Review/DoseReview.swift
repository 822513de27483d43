import Dosimetry
import Foundation
import LabStore
import Logging

/// A physicist's review of doses, and the policy that sends doses to review. Every change is a dose
/// version or state change with who, when and why in the audit trail; released doses never change.
public struct DoseReview: Sendable {
    let store: any LabRecordStore
    let logger: Logger
    let now: @Sendable () -> Date

    /// Hp(10) above this goes to review even without flags (configurable per lab).
    public var reviewLevelMilliSievert: Double

    public init(store: any LabRecordStore, reviewLevelMilliSievert: Double = 1.0, logger: Logger,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.reviewLevelMilliSievert = reviewLevelMilliSievert
        self.logger = logger
        self.now = now
    }

    /// Sends to review the `evaluated` doses of a batch that are above the review level (worker cards
    /// only) or belong to a card inspected with manual QA on arrival for this issue. Returns the cards sent.
    @discardableResult
    public func applyPolicy(batch: ReadoutBatch.ID) throws -> [String] {
        var sent: [String] = []
        let roles = Dictionary(try store.manifest(batch: batch).map { ($0.cardID, $0.role) }, uniquingKeysWith: { a, _ in a })
        for dose in try store.currentDoses(batch: batch) where dose.state == .evaluated {
            guard let id = dose.id else { continue }
            // The arrival inspection of the issue this reading belongs to, not one of an earlier cycle.
            let issue = try store.currentIssue(cardID: dose.cardID)
            let manualQA = try store.inspections(cardID: dose.cardID)
                .last { $0.stage == .arrival && (issue == nil || $0.issueID == issue?.id) }
                .map { $0.outcome == .manualQA } ?? false
            // The review level is about workers' doses: the lab's calibration dosimeters carry a known
            // dose on purpose, and controls are judged by the background they give.
            let role = roles[dose.cardID] ?? .worker
            let above = role == .worker && (dose.hp10MilliSievert ?? 0) > reviewLevelMilliSievert
            guard manualQA || above else { continue }
            let why = manualQA ? "card damaged on arrival: manual QA" : "Hp(10) above the review level \(reviewLevelMilliSievert) mSv"
            let audit = DoseAudit(who: "system:review-policy", why: why)
            if let records = store as? any EvaluationStore {
                // With the typed reason, so that tld review says why the dose is there.
                let detail = manualQA ? why : "Hp(10) \(ReviewPolicy.mSv(dose.hp10MilliSievert ?? 0)) mSv > review level \(ReviewPolicy.mSv(reviewLevelMilliSievert)) mSv"
                _ = try records.routeToReview(dose: id, reasons: [(manualQA ? .damagedOnArrival : .aboveReviewLevel, detail)], audit: audit)
            } else {
                _ = try store.setDoseState(id: id, to: .needsReview, audit: audit, action: .stateChanged)
            }
            sent.append(dose.cardID)
        }
        return sent
    }

    /// Releases every `evaluated` dose of the batch (no flags, below the review level).
    @discardableResult
    public func releaseUnflagged(batch: ReadoutBatch.ID, who: String = "system:auto-release") throws -> [String] {
        var released: [String] = []
        for dose in try store.currentDoses(batch: batch) where dose.state == .evaluated {
            guard let id = dose.id else { continue }
            _ = try store.setDoseState(id: id, to: .released,
                                       audit: DoseAudit(who: who, why: "no QC flags, below the review level"), action: .stateChanged)
            released.append(dose.cardID)
            try checkLevels(id)
        }
        return released
    }

    /// Every release and correction checks the monitoring levels and raises the day's notifications
    /// (LevelCheck.swift); a store without cases has nothing to check.
    func checkLevels(_ dose: DoseResult.ID) throws {
        guard let cases = store as? any CaseStore else { return }
        try LevelCheck(store: cases, logger: logger, now: now).check(dose: dose)
    }

    /// Accepts a dose under review as it is: it is released.
    public func accept(doseID: DoseResult.ID, who: String, why: String) throws -> DoseResult {
        let dose = try store.setDoseState(id: doseID, to: .released, audit: DoseAudit(who: who, why: why), action: .accepted)
        try checkLevels(doseID)
        return dose
    }

    /// The measuring range of the system for a dose value, mSv: 0 to 10 Sv. The dose algorithm's
    /// non-linearity correction is defined up to 10 Sv (docs/dose-algorithm.md, section 3, k_NL: f(D)
    /// rises to 1.3 at 10 Sv and is not characterized beyond), and the simulator's scenarios accept true
    /// doses up to 10 000 mSv. A corrected value outside it is refused before anything is stored.
    public static let measuringRangeMilliSievert: ClosedRange<Double> = 0...10_000

    /// Why a correction is refused.
    public enum CorrectionRefused: Error, Sendable, Hashable, CustomStringConvertible {
        case nothingToCorrect
        case outOfRange(quantity: String, value: Double)

        public var description: String {
            switch self {
            case .nothingToCorrect: "a correction names Hp(10), Hp(0.07) or both"
            case let .outOfRange(q, v):
                "\(q) \(v) mSv is not a dose this system can measure: give a finite value from 0 to 10000 mSv (the measuring range, docs/dose-algorithm.md section 3); nothing was stored"
            }
        }
    }

    /// Checks a corrected value: finite, ≥ 0 and within ``measuringRangeMilliSievert``.
    public static func checkCorrected(_ value: Double?, quantity: String) throws(CorrectionRefused) {
        guard let value else { return }
        guard value.isFinite, measuringRangeMilliSievert.contains(value) else { throw .outOfRange(quantity: quantity, value: value) }
    }

    /// Replaces a dose under review by a corrected one (a new, released version). A correction changes
    /// only what it names: a quantity given as nil keeps the value of the dose under review. Values are
    /// checked before anything is stored.
    public func correct(doseID: DoseResult.ID, hp10MilliSievert: Double?, hp007MilliSievert: Double?,
                        who: String, why: String) throws -> DoseResult {
        guard hp10MilliSievert != nil || hp007MilliSievert != nil else { throw CorrectionRefused.nothingToCorrect }
        try Self.checkCorrected(hp10MilliSievert, quantity: "Hp(10)")
        try Self.checkCorrected(hp007MilliSievert, quantity: "Hp(0.07)")
        let old = try current(doseID)
        let kept = [hp10MilliSievert == nil ? "Hp(10)" : nil, hp007MilliSievert == nil ? "Hp(0.07)" : nil].compactMap { $0 }
        let corrected = try store.saveDose(DoseEvaluation(
            // A quantity not given keeps its evaluated value (never silently dropped).
            batchID: old.batchID, cardID: old.cardID, hp10MilliSievert: hp10MilliSievert ?? old.hp10MilliSievert,
            hp007MilliSievert: hp007MilliSievert ?? old.hp007MilliSievert,
            detectionLimitMilliSievert: old.detectionLimitMilliSievert, flags: (old.doseFlags + [.correctedByPhysicist]).map(\.code),
            remarks: Self.join(old.remarks, "corrected by \(who): \(why)" + (kept.isEmpty ? "" : " (\(kept.joined(separator: ", ")) kept as evaluated)")),
            algorithmID: "manual-correction",
            calibrationID: old.calibrationID, evaluatedAt: now(), state: .released),
            audit: DoseAudit(who: who, why: why), action: .corrected)
        if let id = corrected.id { try checkLevels(id) }
        return corrected
    }

    /// Rejects a dose under review: a new, released version without dose, whose remark says why.
    public func reject(doseID: DoseResult.ID, who: String, why: String) throws -> DoseResult {
        let old = try current(doseID)
        let rejected = try store.saveDose(DoseEvaluation(
            batchID: old.batchID, cardID: old.cardID, hp10MilliSievert: nil, hp007MilliSievert: nil,
            detectionLimitMilliSievert: old.detectionLimitMilliSievert, flags: (old.doseFlags + [.rejectedByPhysicist]).map(\.code),
            remarks: Self.join(old.remarks, "no valid result, rejected by \(who): \(why)"), algorithmID: "manual-rejection",
            calibrationID: old.calibrationID, evaluatedAt: now(), state: .released),
            audit: DoseAudit(who: who, why: why), action: .rejected)
        if let id = rejected.id { try checkLevels(id) }
        return rejected
    }

    func current(_ id: DoseResult.ID) throws -> DoseResult {
        guard let dose = try store.dose(id: id) else { throw LabStoreError.doseNotFound(id) }
        guard dose.isCurrent else { throw LabStoreError.doseSuperseded(id) }
        guard dose.state == .needsReview else {
            throw dose.state == .released ? LabStoreError.releasedDoseIsImmutable(id)
                : LabStoreError.invalidDoseStateChange(from: dose.state, to: .released)
        }
        return dose
    }

    static func join(_ a: String, _ b: String) -> String { a.isEmpty ? b : a + "; " + b }
}
