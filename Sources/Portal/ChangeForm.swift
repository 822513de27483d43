import Foundation
import LabStore
import LabWorkflow

/// The fields of the "submit changes" form (the service guide's list, DOMAIN.md §3), by change.
enum ChangeForm {
    /// The submitter identifies with name, phone and e-mail (+ confirmation) on every change.
    static let submitterFields = ["submitterName", "submitterPhone", "submitterEmail", "submitterEmailConfirm"]

    static func fields(of kind: SubmissionKind) -> [String] {
        switch kind {
        case .enrol: ["wearerName", "nationalID", "type", "period", "start", "end"]
        case .unenrol: ["enrolment", "wearerName", "lastDay"]
        case .handover: ["card", "wearerName", "nationalID"]
        case .companyData: ["name", "contactName", "contactEmail", "deliveryAddress", "billingAddress", "invoiceReference"]
        }
    }

    static let typeChoices = ["whole-body", "finger", "neutron", "shoulder"]
    static let periodChoices = ["2w", "1m", "3m"]
    static let dateFields: Set<String> = ["start", "end", "lastDay"]
    static let optionalFields: Set<String> = ["end", "billingAddress", "invoiceReference"]
}

/// What checking a filled-in change form found: a message key per field in error, or the change
/// to the master data it asks for (and, for an unenrolment, the deadline rule's decision, shown to
/// the customer before sending).
struct ChangeCheck: Sendable {
    var errors: [String: String] = [:]
    var change: MasterDataChange?
    var unenrolment: Unenrolment?
    /// The national ID of the form, sealed (typed now, or kept from the saved draft).
    var nationalID: ProtectedNationalID?
    var isValid: Bool { errors.isEmpty && change != nil }
}

/// Checks a change form against the rules and the customer's own master data. Runs on the
/// blocking pool (it reads the store).
struct ChangeChecker {
    let store: any LabRecordStore & MasterDataStore
    let protector: NationalIDProtector
    let customerID: String
    let today: CalendarDay
    /// False on plain HTTP away from loopback: a typed national ID is then refused, not read.
    let nationalIDAllowed: Bool

    /// - Parameters:
    ///   - typedNationalID: the ID as typed now ("" to keep `kept`).
    ///   - receivedOn: the day the notice counts as received (today, or the day it was sent).
    func check(kind: SubmissionKind, fields: [String: String], typedNationalID: String, kept: ProtectedNationalID?,
               receivedOn: CalendarDay? = nil) throws -> ChangeCheck {
        var result = ChangeCheck()
        func value(_ name: String) -> String { (fields[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        func date(_ name: String) -> CalendarDay? {
            let text = value(name)
            if text.isEmpty { return nil }
            guard let day = try? CalendarDay(parsing: text) else { result.errors[name] = "badDate"; return nil }
            return day
        }
        for name in ChangeForm.submitterFields + ChangeForm.fields(of: kind)
        where name != "nationalID" && !ChangeForm.optionalFields.contains(name) && value(name).isEmpty {
            result.errors[name] = "required"
        }
        let email = value("submitterEmail")
        if !email.isEmpty && !MasterDataValidation.isEmailAddress(email) { result.errors["submitterEmail"] = "badEmail" }
        if result.errors["submitterEmailConfirm"] == nil && value("submitterEmailConfirm") != email {
            result.errors["submitterEmailConfirm"] = "emailMismatch"
        }
        let phoneDigits = value("submitterPhone").filter(\.isNumber).count
        if !value("submitterPhone").isEmpty && !(8...15).contains(phoneDigits) { result.errors["submitterPhone"] = "badPhone" }

        if ChangeForm.fields(of: kind).contains("nationalID") {
            let typed = typedNationalID.trimmingCharacters(in: .whitespaces)
            if typed.isEmpty {
                if let kept { result.nationalID = kept } else { result.errors["nationalID"] = "required" }
            } else if !nationalIDAllowed {
                result.errors["nationalID"] = "nationalIDNeedsTLS"
            } else if let digits = try? NationalIDFormat.digits(of: typed) {
                result.nationalID = try protector.protect(digits)
            } else {
                result.errors["nationalID"] = "badNationalID"
            }
        }

        switch kind {
        case .enrol:
            let type = ImportFile.typeNames[value("type")]
            let length = ImportFile.periodNames[value("period")]
            if !value("type").isEmpty && type == nil { result.errors["type"] = "badChoice" }
            if !value("period").isEmpty && length == nil { result.errors["period"] = "badChoice" }
            if let type, let length, !type.periodLengths.contains(length) { result.errors["period"] = "badPeriodForType" }
            let start = date("start"), end = date("end")
            if let start, start > today.adding(days: 366) { result.errors["start"] = "startTooLate" }
            if let start, let end, end < start { result.errors["end"] = "endBeforeStart" }
            if result.errors.isEmpty, let type, let length, let start, let sealed = result.nationalID,
               let digits = try? protector.reveal(sealed) {
                let enrolment = Enrolment(wearerID: Wearer.ID(rawValue: 0), customerID: customerID, dosimeterType: type,
                                          periodLength: length, startDate: start, endDate: end, orderedOn: receivedOn ?? today)
                if MasterDataValidation.enrolmentProblem(enrolment) != nil {
                    result.errors["period"] = "badPeriodForType"
                } else {
                    result.change = .enrol(name: value("wearerName"), nationalID: sealed,
                                           birthDate: NationalIDBirthDate.birthDate(cprDigits: digits), enrolment: enrolment)
                }
            }
        case .unenrol:
            let lastDay = date("lastDay")
            let number = value("enrolment").uppercased()
            var enrolment: Enrolment?
            if !number.isEmpty {
                enrolment = try store.enrolment(number: number).flatMap { $0.customerID == customerID ? $0 : nil }
                if enrolment == nil || enrolment.map({ !$0.isActive(on: today) && $0.startDate <= today }) == true {
                    result.errors["enrolment"] = "noSuchEnrolment"
                    enrolment = nil
                }
            }
            if let enrolment, !value("wearerName").isEmpty {
                let wearer = try store.wearer(id: enrolment.wearerID)
                if wearer.map({ !Unenrolment.sameName(value("wearerName"), $0.name) }) ?? true {
                    result.errors["wearerName"] = "nameMismatch"
                }
            }
            if let enrolment, let lastDay, result.errors.isEmpty {
                let decision = Unenrolment.decide(schedule: enrolment.schedule, wantedLastDay: lastDay, receivedOn: receivedOn ?? today)
                if decision.effectiveEnd < enrolment.startDate {
                    result.errors["lastDay"] = "endBeforeStart"
                } else if let end = enrolment.endDate, end <= decision.effectiveEnd {
                    result.errors["lastDay"] = "alreadyEnds"
                } else {
                    result.unenrolment = decision
                    result.change = .endEnrolment(number: enrolment.number, lastDay: decision.effectiveEnd)
                }
            }
        case .handover:
            let cardID = value("card")
            var issue: CardIssue?
            if !cardID.isEmpty {
                issue = try store.issues(customerID: customerID).filter { $0.cardID == cardID }.max { $0.periodStart < $1.periodStart }
                if issue == nil { result.errors["card"] = "noSuchCard" }
            }
            if let issue, let sealed = result.nationalID, result.errors.isEmpty,
               let original = try store.enrolment(id: issue.enrolmentID) {
                // As at intake (IntakeStation.handoverEnrolment): from the period after the card's,
                // and never from a period already over when the lab learns of the person.
                let schedule = original.schedule
                let next = schedule.next(after: WearPeriod(start: issue.periodStart, end: issue.periodEnd))
                let now = schedule.period(containing: receivedOn ?? today)
                result.change = .handover(cardID: cardID, handover: HandoverEnrolment(
                    name: value("wearerName"), nationalID: sealed, startDate: max(next.start, now.start), orderedOn: receivedOn ?? today))
            }
        case .companyData:
            if !value("contactEmail").isEmpty && !MasterDataValidation.isEmailAddress(value("contactEmail")) {
                result.errors["contactEmail"] = "badEmail"
            }
            if result.errors.isEmpty, var customer = try store.customer(id: customerID) {
                customer.name = value("name")
                customer.contactName = value("contactName")
                customer.contactEmail = value("contactEmail")
                customer.deliveryAddress = value("deliveryAddress")
                customer.billingAddress = value("billingAddress")
                customer.invoiceReference = value("invoiceReference")
                if MasterDataValidation.customerProblem(customer) != nil {
                    result.errors["billingAddress"] = "required"
                } else {
                    result.change = .updateCustomer(customer)
                }
            }
        }
        if !result.errors.isEmpty { result.change = nil; result.unenrolment = nil }
        return result
    }
}
