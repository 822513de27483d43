import Foundation
import LabReports
import LabStore

/// Builds the notification to the authority and the customer's elevated-dose letter of a notifiable
/// case from the store (LabReports/ElevatedDoseNotice.swift says what they contain and why).
public struct ElevatedDoseNoticeBuilder: Sendable {
    let store: any CaseStore
    let protector: NationalIDProtector

    public init(store: any CaseStore, protector: NationalIDProtector) {
        self.store = store
        self.protector = protector
    }

    public enum Failure: Error, Sendable, CustomStringConvertible {
        case missing(String)
        public var description: String {
            switch self { case let .missing(what): "the notification's \(what) is missing from the database" }
        }
    }

    public func notice(_ notification: AuthorityNotification) throws -> ElevatedDoseNotice {
        guard let levelCase = try store.levelCase(id: notification.caseID) else { throw Failure.missing("case") }
        guard let opening = try store.dose(id: levelCase.doseID) else { throw Failure.missing("dose") }
        // The released version of the card's dose (a correction after the case opened is a new version).
        let dose = try store.currentDoses(batch: opening.batchID).first { $0.cardID == opening.cardID } ?? opening
        guard let person = try store.dosePerson(dose: levelCase.doseID) else { throw Failure.missing("wearer") }
        guard let wearer = try store.wearer(id: person.wearerID) else { throw Failure.missing("wearer") }
        let customer = try store.customer(id: levelCase.customerID)
        let year = person.periodEnd.year
        let y = try LevelCheck.quarterRange(year: year, quarter: 1).lowerBound...LevelCheck.quarterRange(year: year, quarter: 4).upperBound
        // Year to date up to the period's end (as on the result list, docs/dose-records.md): the sum the
        // case saw, the same whenever the document is printed, not what later periods added.
        let yearSum = try store.personHp10Sum(personLookup: person.personLookup, from: y.lowerBound, through: person.periodEnd, including: nil)
        let investigation = try store.investigation(caseID: notification.caseID)
        let status = notification.sentAt.map { at in
            "SENT \(Self.dayString(at)) by \(notification.sentBy ?? "") (\(notification.sentHow?.rawValue ?? ""))"
        } ?? "RAISED - not yet sent"
        let threshold = levelCase.kind == .notifiablePeriod
            ? "Hp(10) above \(Int(CaseKind.notifiablePeriodMilliSievert)) mSv in one monitoring period"
            : "Hp(10) above \(Int(CaseKind.notifiableYearMilliSievert)) mSv summed over the periods of calendar year \(year)"
        let refined = investigation?.refinedEffectiveMilliSievert.map {
            String(format: "%.2f mSv", $0) + ((investigation?.refinedMethod).map { " (\($0))" } ?? "")
        } ?? ""
        return ElevatedDoseNotice(
            reportNumber: notification.reportNumber, raisedOn: notification.raisedOn.description, status: status,
            reason: levelCase.kind.description, threshold: threshold,
            customerNumber: levelCase.customerID, customerName: customer?.name ?? "", workplaceAddress: customer?.workplaceAddress ?? "",
            contactName: customer?.contactName ?? "", wearerName: wearer.name,
            nationalIDFirst4: (try? protector.firstFourDigits(of: wearer.protectedID)) ?? "????",
            cardID: dose.cardID, dosimeterType: person.dosimeterType.displayName,
            periodStart: person.periodStart.description, periodEnd: person.periodEnd.description,
            periodHp10MilliSievert: dose.hp10MilliSievert ?? 0, yearToDateHp10MilliSievert: yearSum, year: year,
            causes: investigation?.causes ?? "", conclusions: investigation?.actions ?? "", refinedEffective: refined)
    }

    public static func dayString(_ date: Date) -> String {
        CalendarDay(utcDayOf: date).description
    }
}
