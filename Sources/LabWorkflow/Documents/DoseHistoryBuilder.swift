import Foundation
import LabReports
import LabStore

/// Builds the person's own extract of their dose record and the termination report of an enrolment
/// (``DoseHistoryReport``) from the periods of ``DoseRecordStore/doseRecord(nationalIDLookup:)``, with
/// the sums of ``DoseRecordSums`` (conventions: docs/dose-records.md).
public enum DoseHistoryBuilder {
    /// The person's whole record: every period, the sums per calendar year, the five years ending with
    /// `asOf`'s year and lifetime. DRAFT while a period ended by `asOf` has its dose pending release.
    public static func extract(
        periods: [DoseRecordPeriod], personName: String, nationalIDFirst4: String, wearers: [Wearer],
        asOf: CalendarDay, issued: CalendarDay, reportNumber: String
    ) -> DoseHistoryReport {
        let customers = Array(Set(wearers.map(\.customerID))).sorted()
        let windows = DoseRecordSums.years(periods).filter { $0.window.days.map { $0.lowerBound <= asOf } ?? true }
            + [DoseRecordSums.summary(periods, window: .fiveYears(endingWith: asOf.year)), DoseRecordSums.summary(periods, window: .lifetime)]
        let pending = periods.filter { $0.status == .pending && $0.periodEnd <= asOf }.count
        return DoseHistoryReport(
            kind: .extract, reportNumber: reportNumber, issued: issued.description, personName: personName,
            nationalIDFirst4: nationalIDFirst4,
            lines: ["Monitored at customer\(customers.count == 1 ? "" : "s") " + customers.joined(separator: ", "), "Sums as of \(asOf)"],
            periods: periods.map { period($0, asOf: asOf) },
            sums: windows.flatMap { sumRows($0, label: $0.window.description) },
            isDraft: pending > 0,
            notes: pending > 0 ? ["DRAFT: \(pending) dose\(pending == 1 ? " is" : "s are") not released yet (pending): the sums will change."] : [])
    }

    /// The termination report of an enrolment that ended on `end` (its end date): every period of the
    /// enrolment with its dose, the sum over the enrolment, and the person's sums for the calendar year
    /// of the end date up to it and lifetime up to it (every customer). DRAFT while a period of the
    /// enrolment is open (its card not back, or its dose not released).
    public static func termination(
        enrolment: Enrolment, end: CalendarDay, customerName: String, periods: [DoseRecordPeriod], personName: String,
        nationalIDFirst4: String, issued: CalendarDay
    ) -> DoseHistoryReport {
        let mine = periods.filter { $0.enrolmentNumber == enrolment.number }
        let upToEnd = periods.filter { $0.periodEnd <= end }
        let january = (try? CalendarDay(year: end.year, month: 1, day: 1)) ?? end
        let open = mine.filter(\.status.isOpen)
        var notes: [String] = []
        if !open.isEmpty {
            notes.append("DRAFT: \(open.count) period\(open.count == 1 ? " is" : "s are") still without a dose ("
                + Set(open.map(\.status.label)).sorted().joined(separator: ", ")
                + "); the final report follows when every card is back and its dose released, or a dose is assigned.")
        }
        let enrolmentSum = DoseRecordSums.summary(mine, window: .lifetime)
        let yearSum = DoseRecordSums.summary(upToEnd.filter { $0.periodEnd >= january }, window: .year(end.year))
        let lifetimeSum = DoseRecordSums.summary(upToEnd, window: .lifetime)
        return DoseHistoryReport(
            kind: .termination, reportNumber: "TR-\(enrolment.number)", issued: issued.description, personName: personName,
            nationalIDFirst4: nationalIDFirst4,
            lines: ["Customer \(enrolment.customerID)  \(customerName)",
                    "Enrolment \(enrolment.number), \(enrolment.dosimeterType.displayName)",
                    "Monitored from \(enrolment.startDate), ended \(end)"],
            periods: mine.map { p in
                var printed = period(p, asOf: issued)
                // A card already sent for a period after the end (notice after the dispatch) is still the person's.
                if p.periodStart > end { printed.remarks = ([printed.remarks, "period after the end date: card sent before the notice"]).filter { !$0.isEmpty }.joined(separator: "; ") }
                return printed
            },
            sums: sumRows(enrolmentSum, label: "enrolment \(enrolment.number)")
                + sumRows(yearSum, label: "year \(end.year) to \(end)") + sumRows(lifetimeSum, label: "lifetime to \(end)"),
            isDraft: !open.isEmpty, notes: notes)
    }

    /// A period as printed (as on `tld history`): "<DL" below the detection limit, "A" after an
    /// assigned dose, "—" without one.
    static func period(_ p: DoseRecordPeriod, asOf: CalendarDay) -> DoseHistoryReport.Period {
        func dose(_ value: Double?) -> String {
            guard let value else { return "—" }
            if p.status == .belowDetectionLimit, let limit = p.detectionLimitMilliSievert { return "<" + String(format: "%.2f", limit) }
            return String(format: "%.2f", value) + (p.status == .assigned ? " A" : "")
        }
        var remarks: [String] = []
        if let a = p.assignment { remarks.append(a.remark) }
        if p.wornOnHandover { remarks.append("card handed over to this person") }
        if p.status == .handedOver { remarks.append("worn by another person: the dose is on their record") }
        let status = p.status == .notReturned && p.periodEnd >= asOf ? "out (period not over)" : p.status.label
        return .init(customer: p.customerID, enrolment: p.enrolmentNumber, dosimeter: p.dosimeterType.displayName, card: p.cardID,
                     periodStart: p.periodStart.description, periodEnd: p.periodEnd.description,
                     hp10: p.dosimeterType == .finger ? "—" : dose(p.hp10MilliSievert), hp007: dose(p.hp007MilliSievert),
                     status: status, remarks: remarks.joined(separator: "; "))
    }

    /// The sums table's lines for one window: the person's Hp(10), then each dosimeter type.
    static func sumRows(_ s: DoseRecordSums.Summary, label: String) -> [DoseHistoryReport.Sum] {
        func mSv(_ v: Double) -> String { String(format: "%.2f", v) }
        let all = s.byType.values
        var rows = [DoseHistoryReport.Sum(
            window: label, of: "person Hp(10)", hp10: mSv(s.personalHp10MilliSievert), hp007: "",
            periods: all.reduce(0) { $0 + $1.periods }, belowDetectionLimit: all.reduce(0) { $0 + $1.belowDetectionLimit },
            assigned: all.reduce(0) { $0 + $1.assigned }, open: s.open)]
        for type in DosimeterType.allCases {
            guard let t = s.byType[type] else { continue }
            rows.append(.init(window: label, of: type.displayName, hp10: type == .finger ? "—" : mSv(t.hp10MilliSievert),
                              hp007: mSv(t.hp007MilliSievert), periods: t.periods, belowDetectionLimit: t.belowDetectionLimit,
                              assigned: t.assigned, open: t.open))
        }
        return rows
    }
}
