import Foundation
import LabReports
import LabStore

/// Builds a customer's annual review (LabReports/AnnualReview.swift) from the person dose records of
/// its wearers, its cases and its issues' arrival inspections.
///
/// The records are read in two set queries (``AnnualReviewStore``): every wearer's periods ending in
/// the review's five years, and the review year's arrival inspections. The review uses nothing
/// outside those years, so it is the one the per-worker dose records gave (ObligationsYearDocumentsTests
/// compares the two on the test year); that path took 2.3 s for 500 workers × 10 years of monthly
/// periods, 4.5 ms a worker (Benchmarks/DoseRecordBenchmarks/RESULTS.md).
public struct AnnualReviewBuilder: Sendable {
    let store: any AnnualReviewStore
    let protector: NationalIDProtector

    public init(store: any AnnualReviewStore, protector: NationalIDProtector) {
        self.store = store
        self.protector = protector
    }

    static func range(_ y: Int) throws -> ClosedRange<CalendarDay> { try CalendarDay(year: y, month: 1, day: 1)...CalendarDay(year: y, month: 12, day: 31) }

    public func review(customerID: String, year: Int, today: CalendarDay) throws -> AnnualReview {
        let first = try Self.range(year - 4).lowerBound, reviewYear = try Self.range(year)
        let records = try store.doseRecords(wearersOf: customerID, periodEndFrom: first, through: reviewYear.upperBound)
        let inspections = try store.arrivalInspections(customerID: customerID, periodEndFrom: reviewYear.lowerBound, through: reviewYear.upperBound)
        return try review(customerID: customerID, year: year, today: today, inspections: inspections) { records[$0] ?? [] }
    }

    /// The review from each person's dose record (`record`, by look-up hash; periods outside the five
    /// years are not used) and the arrival inspections by issue (only the review year's are used).
    func review(customerID: String, year: Int, today: CalendarDay, inspections: [CardIssue.ID: CardInspection],
                record doseRecord: (Data) throws -> [DoseRecordPeriod]) throws -> AnnualReview {
        let customer = try store.customer(id: customerID)
        let years = Array((year - 4)...year)
        func range(_ y: Int) throws -> ClosedRange<CalendarDay> { try Self.range(y) }
        let reviewYear = try range(year)
        var workers: [AnnualReview.Worker] = []
        var dosimeters: [AnnualReview.DosimeterLine] = []
        var seen = Set<Data>()
        for wearer in try store.wearers(customerID: customerID) where seen.insert(wearer.nationalIDLookup).inserted {
            let record = try doseRecord(wearer.nationalIDLookup)
            let here = record.filter { $0.customerID == customerID }
            let thisYear = here.filter { reviewYear.contains($0.periodEnd) && $0.status != .handedOver }
            let byYear = try years.map { y -> Double in
                let r = try range(y)
                return DoseRecordSums.personalHp10(here, from: r.lowerBound, through: r.upperBound)
            }
            guard !thisYear.isEmpty || byYear.contains(where: { $0 > 0 }) else { continue }
            let first4 = (try? protector.firstFourDigits(of: wearer.protectedID)) ?? "????"
            workers.append(AnnualReview.Worker(
                name: wearer.name, nationalIDFirst4: first4, hp10ByYear: byYear,
                hp10AllCustomers: DoseRecordSums.personalHp10(record, from: reviewYear.lowerBound, through: reviewYear.upperBound),
                periods: thisYear.count, open: thisYear.filter { $0.status == .pending }.count))
            for p in thisYear {
                let period = "\(p.periodStart)–\(p.periodEnd)"
                if p.status == .notReturned || (p.status == .assigned && p.arrivedOn == nil) {
                    dosimeters.append(.init(person: wearer.name, card: p.cardID, period: period,
                                            problem: p.status == .assigned ? "not returned (dose assigned)" : "not returned"))
                }
                if let i = inspections[p.issueID], i.outcome != .fit {
                    let damage = i.damages.map(\.description).joined(separator: ", ")
                    dosimeters.append(.init(person: wearer.name, card: p.cardID, period: period,
                                            problem: "damaged on arrival (\(i.outcome.rawValue)" + (damage.isEmpty ? "" : ": \(damage)") + ")"))
                }
            }
        }
        workers.sort { $0.name < $1.name }
        var cases: [AnnualReview.CaseLine] = []
        for c in try store.levelCases(includeClosed: true, customerID: customerID) where c.periodKey.hasPrefix("\(year)") {
            guard let id = c.id else { continue }
            let name = try store.wearer(id: c.wearerID)?.name ?? "?"
            let inv = try store.investigation(caseID: id)
            var state = c.isOpen ? "open (due \(c.deadline))" : "closed"
            if let n = try store.notification(caseID: id) { state += n.isSent ? ", authority notified" : ", notification NOT SENT" }
            let refined = inv?.refinedEffectiveMilliSievert.map { String(format: "refined E %.2f mSv; ", $0) } ?? ""
            cases.append(.init(number: "\(id.rawValue)", level: c.kind.description, person: name, period: c.periodKey,
                               milliSievert: c.valueMilliSievert, state: state, actions: refined + (inv?.actions ?? "none recorded yet")))
        }
        return AnnualReview(customerNumber: customerID, customerName: customer?.name ?? "", year: year, issuedOn: today.description,
                            workers: workers, cases: cases, dosimeters: dosimeters.sorted { ($0.person, $0.period) < ($1.person, $1.period) })
    }

    /// A customer's review of a year is due by 1 March of the next year (seeds/000: "senast den 1 mars").
    public static func dueDate(year: Int) throws -> CalendarDay { try CalendarDay(year: year + 1, month: 3, day: 1) }
}
