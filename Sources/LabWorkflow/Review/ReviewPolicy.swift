import Dosimetry
import Foundation
import LabStore

/// The review policy applied on every evaluation (readout, `tld evaluate`, re-evaluation): which
/// reasons send a dose to the physicist instead of straight to `evaluated` (its flags routed by
/// ``reason(for:)``). The reasons are typed
/// (``ReviewReason``) and stored with the dose in the transaction that stores it.
///
/// Levels are the customer's (``CustomerLevels``, set with `tld levels set`; defaults 1 mSv review,
/// 10 mSv report) in force on the last day of the card's wear period, compared with the quantity the
/// card reports: Hp(0.07) for a finger card, else Hp(10). They apply to wearers' cards only: the lab's
/// calibration dosimeters carry a known dose on purpose, and controls are judged by the background
/// they give.
public struct ReviewPolicy: Sendable {
    let store: any EvaluationStore

    public init(store: any EvaluationStore) {
        self.store = store
    }

    public func reasons(card: BatchCard, flags: [DoseFlag], hp10: Double?, hp007: Double?) throws -> [(reason: ReviewReason, detail: String)] {
        var out: [(reason: ReviewReason, detail: String)] = []
        let quality = flags.filter { Self.reason(for: $0) == .qualityFlags }
        if !quality.isEmpty { out.append((.qualityFlags, quality.map(\.code).joined(separator: ", "))) }
        if flags.contains(where: { Self.reason(for: $0) == .neutronNotEvaluated }) {
            out.append((.neutronNotEvaluated, "neutron card \(card.cardID): evaluate it by hand (tld review --correct) or reject it"))
        }
        if card.unexpected {
            out.append((.unexpectedCard, "card \(card.cardID) is not on an open issue that was returned or inspected"))
        }
        guard card.role == .worker else { return out }
        let issue = try card.issueID.flatMap { try store.issue(id: $0) }
        if let issue {
            let manualQA = try store.inspections(cardID: card.cardID)
                .last { $0.stage == .arrival && $0.issueID == issue.id }
                .map { $0.outcome == .manualQA } ?? false
            if manualQA { out.append((.damagedOnArrival, "card damaged on arrival: manual QA")) }
        }
        let finger = card.dosimeterType == .finger
        let quantity = finger ? "Hp(0.07)" : "Hp(10)"
        guard let value = finger ? hp007 : hp10 else { return out }
        let levels = try issue.map { try store.levels(customerID: $0.customerID, on: $0.periodEnd) } ?? CustomerLevels.defaults(customerID: "")
        let whose = issue.map { "customer \($0.customerID)" } ?? "lab default"
        if value > levels.reportMilliSievert {
            out.append((.aboveReportLevel, "\(quantity) \(Self.mSv(value)) mSv > report level \(Self.mSv(levels.reportMilliSievert)) mSv (\(whose))"))
        } else if value > levels.reviewMilliSievert {
            out.append((.aboveReviewLevel, "\(quantity) \(Self.mSv(value)) mSv > review level \(Self.mSv(levels.reviewMilliSievert)) mSv (\(whose))"))
        }
        return out
    }

    static func mSv(_ v: Double) -> String { String(format: "%.2f", v) }
}
