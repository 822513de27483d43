import Foundation
import GlowCurve
import LabStore

/// What a physicist sees of one dose under review (`tld review`, `tld review --page`): the dose, why
/// it is there (the stored ``DoseReviewReason``s: the flag, or the level crossed with its value), who
/// wore the card for which customer and period, the person's earlier periods from the person dose
/// record (every customer, found by the national ID's look-up hash; the ID shown as its first 4
/// digits only), and the element curves against the reader's measured temperature.
public struct ReviewContext: Sendable {
    public var dose: DoseResult
    public var batchGroupID: String
    public var reasons: [DoseReviewReason]
    /// Nil for the lab's own dosimeters (calibration, control) and cards on no issue.
    public var person: Person?
    /// The person's periods that ended before this one, newest first (at most ``previousLimit``).
    public var previous: [DoseRecordPeriod]
    /// The person's Hp(10) (whole-body + neutron) of released and assigned doses in the calendar year
    /// of this period's end, this dose not included.
    public var yearToDateHp10MilliSievert: Double?
    public var elements: [Element]

    /// Who wore the card, where and when.
    public struct Person: Sendable, Hashable {
        public var wearerName: String
        /// The national ID's first 4 digits (the birth date's DDMM), "????" when the key cannot open it.
        public var nationalIDFirst4: String
        public var customerID: String
        public var customerName: String
        public var periodStart: CalendarDay
        public var periodEnd: CalendarDay
        public var dosimeterType: DosimeterType
    }

    /// One element of the card.
    public struct Element: Sendable {
        public enum Outcome: Sendable {
            /// The stored curve, counts against temperature (kelvin in the glow-curve core).
            case curve(GlowCurve)
            case lost(String)
            case absent
            /// A stored curve the glow-curve core refuses (e.g. fewer than two channels).
            case unreadable(String)
        }
        public var element: Int
        public var outcome: Outcome
    }

    /// How many earlier periods are shown.
    public static let previousLimit = 6
}

/// Builds the ``ReviewContext`` of doses under review from the store.
public struct ReviewContextBuilder: Sendable {
    let store: any CaseStore
    let protector: NationalIDProtector

    public init(store: any CaseStore, protector: NationalIDProtector) {
        self.store = store
        self.protector = protector
    }

    /// Every current dose that needs review, in the store's order (by batch, then card).
    public func all() throws -> [ReviewContext] {
        var groups: [ReadoutBatch.ID: String] = [:]
        return try store.dosesNeedingReview().map { try context($0, groups: &groups) }
    }

    public func context(_ dose: DoseResult) throws -> ReviewContext {
        var groups: [ReadoutBatch.ID: String] = [:]
        return try context(dose, groups: &groups)
    }

    func context(_ dose: DoseResult, groups: inout [ReadoutBatch.ID: String]) throws -> ReviewContext {
        if groups[dose.batchID] == nil { groups[dose.batchID] = try store.batch(id: dose.batchID)?.groupID ?? "\(dose.batchID.rawValue)" }
        let reasons = try dose.id.map { try store.reviewReasons(dose: $0) } ?? []
        var person: ReviewContext.Person?
        var previous: [DoseRecordPeriod] = []
        var yearToDate: Double?
        if let id = dose.id, let p = try store.dosePerson(dose: id) {
            let wearer = try store.wearer(id: p.wearerID)
            let customer = try store.customer(id: p.customerID)
            let first4 = wearer.flatMap { try? protector.firstFourDigits(of: $0.protectedID) } ?? "????"
            person = .init(wearerName: p.wearerName, nationalIDFirst4: first4, customerID: p.customerID,
                           customerName: customer?.name ?? "", periodStart: p.periodStart, periodEnd: p.periodEnd,
                           dosimeterType: p.dosimeterType)
            let record = try store.doseRecord(nationalIDLookup: p.personLookup).filter { $0.issueID != p.issueID }
            previous = Array(record.filter { $0.periodEnd < p.periodEnd || ($0.periodEnd == p.periodEnd && $0.periodStart < p.periodStart) }
                .sorted { ($0.periodEnd, $0.periodStart) > ($1.periodEnd, $1.periodStart) }
                .prefix(ReviewContext.previousLimit))
            let year = p.periodEnd.year
            if let from = try? CalendarDay(year: year, month: 1, day: 1) {
                yearToDate = DoseRecordSums.personalHp10(record, from: from, through: p.periodEnd)
            }
        }
        var elements: [ReviewContext.Element] = []
        for r in try store.readings(batch: dose.batchID) where r.cardID == dose.cardID {
            switch r.outcome {
            case let .stored(curve):
                do { elements.append(.init(element: r.element, outcome: .curve(try curve.glowCurve()))) } catch {
                    elements.append(.init(element: r.element, outcome: .unreadable("\(error)")))
                }
            case let .lost(reason): elements.append(.init(element: r.element, outcome: .lost(reason)))
            case .absent: elements.append(.init(element: r.element, outcome: .absent))
            }
        }
        return ReviewContext(dose: dose, batchGroupID: groups[dose.batchID] ?? "", reasons: reasons, person: person,
                             previous: previous, yearToDateHp10MilliSievert: yearToDate,
                             elements: elements.sorted { $0.element < $1.element })
    }
}
