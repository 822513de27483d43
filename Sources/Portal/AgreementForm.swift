import Foundation
import LabStore
import LabWorkflow

/// The fields of the "create agreement" form (the service guide's "Opret aftale om dosisovervågning",
/// shared/seeds/004 "Virksomhedsoplysninger" and "Personoplysninger"; DOMAIN.md §3): the company,
/// its invoicing, the first wearers, and the submitter.
enum AgreementForm {
    static let companyFields = ["name", "companyID", "deliveryAddress", "workplaceAddress", "contactName", "contactEmail"]
    static let invoiceFields = ["invoiceChannel", "invoiceAddress", "billingAddress", "invoiceReference"]
    /// How many first wearers the form takes; more are enrolled afterwards with "submit changes".
    static let wearerRows = 3
    static func wearerFields(_ row: Int) -> [String] {
        ["wearer\(row)Name", "wearer\(row)NationalID", "wearer\(row)Type", "wearer\(row)Period"]
    }
    static var allWearerFields: [String] { (1...wearerRows).flatMap(wearerFields) }
    static let startField = "start"
    static var nationalIDFields: [String] { (1...wearerRows).map { "wearer\($0)NationalID" } }
    static var fields: [String] { companyFields + invoiceFields + [startField] + allWearerFields + ChangeForm.submitterFields }
    static let optionalFields: Set<String> = ["workplaceAddress", "billingAddress", "invoiceReference", "invoiceAddress"]
    static let channelChoices = InvoiceChannel.allCases.map(\.rawValue)

    /// The label key of a field: the wearer rows share theirs ("wearer2Type" → "type").
    static func labelKey(_ name: String) -> String {
        guard name.hasPrefix("wearer"), name.count > 7 else { return name }
        let rest = String(name.dropFirst(7))
        switch rest {
        case "Name": return "wearerName"
        case "NationalID": return "nationalID"
        case "Type": return "type"
        case "Period": return "period"
        default: return name
        }
    }
}

/// What checking an agreement form found: a message key per field in error, or what accepting it
/// creates; the national IDs of the form, sealed (typed now, or kept from the saved draft).
struct AgreementCheck: Sendable {
    var errors: [String: String] = [:]
    var agreement: NewAgreement?
    var nationalIDs: [String: ProtectedNationalID] = [:]
    var isValid: Bool { errors.isEmpty && agreement != nil }
}

/// Checks an agreement form against the rules of the master data (the same as `tld customer add`
/// and `tld enrolment add`: ``MasterDataValidation``).
struct AgreementChecker {
    let protector: NationalIDProtector
    let today: CalendarDay
    let nationalIDAllowed: Bool

    func check(fields: [String: String], typedNationalIDs: [String: String], kept: [String: ProtectedNationalID],
               receivedOn: CalendarDay? = nil) throws -> AgreementCheck {
        var result = AgreementCheck()
        func value(_ name: String) -> String { (fields[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        for name in ChangeForm.submitterFields + AgreementForm.companyFields + AgreementForm.invoiceFields + [AgreementForm.startField]
        where !AgreementForm.optionalFields.contains(name) && value(name).isEmpty {
            result.errors[name] = "required"
        }
        let email = value("submitterEmail")
        if !email.isEmpty && !MasterDataValidation.isEmailAddress(email) { result.errors["submitterEmail"] = "badEmail" }
        if result.errors["submitterEmailConfirm"] == nil && value("submitterEmailConfirm") != email {
            result.errors["submitterEmailConfirm"] = "emailMismatch"
        }
        let phoneDigits = value("submitterPhone").filter(\.isNumber).count
        if !value("submitterPhone").isEmpty && !(8...15).contains(phoneDigits) { result.errors["submitterPhone"] = "badPhone" }

        // The company.
        if !value("companyID").isEmpty && !MasterDataValidation.isCVR(value("companyID")) { result.errors["companyID"] = "badCVR" }
        if !value("contactEmail").isEmpty && !MasterDataValidation.isEmailAddress(value("contactEmail")) {
            result.errors["contactEmail"] = "badEmail"
        }
        let channel = InvoiceChannel(rawValue: value("invoiceChannel"))
        if !value("invoiceChannel").isEmpty && channel == nil { result.errors["invoiceChannel"] = "badChoice" }
        switch channel {
        case .eInvoice?:
            if !InvoiceChannel.isValidGLN(value("invoiceAddress")) { result.errors["invoiceAddress"] = "badGLN" }
        case .email?:
            if !MasterDataValidation.isEmailAddress(value("invoiceAddress")) { result.errors["invoiceAddress"] = "badEmail" }
        case .paper?, nil:
            break
        }
        var start: CalendarDay?
        if !value("start").isEmpty {
            if let day = try? CalendarDay(parsing: value("start")) {
                start = day
                if day > today.adding(days: 366) { result.errors["start"] = "startTooLate" }
            } else {
                result.errors["start"] = "badDate"
            }
        }

        // The first wearers: a row is empty or whole; at least one; each person once.
        var wearers: [NewAgreement.Wearer] = []
        var seen: Set<Data> = []
        for row in 1...AgreementForm.wearerRows {
            let names = AgreementForm.wearerFields(row)
            let (nameField, idField, typeField, periodField) = (names[0], names[1], names[2], names[3])
            let typed = (typedNationalIDs[idField] ?? "").trimmingCharacters(in: .whitespaces)
            var sealed: ProtectedNationalID?
            if typed.isEmpty {
                sealed = kept[idField]
            } else if !nationalIDAllowed {
                result.errors[idField] = "nationalIDNeedsTLS"
            } else if let digits = try? NationalIDFormat.digits(of: typed) {
                sealed = try protector.protect(digits)
            } else {
                result.errors[idField] = "badNationalID"
            }
            if let sealed { result.nationalIDs[idField] = sealed }
            let isEmpty = value(nameField).isEmpty && sealed == nil && typed.isEmpty && value(typeField).isEmpty && value(periodField).isEmpty
            if isEmpty { continue }
            for name in [nameField, typeField, periodField] where value(name).isEmpty { result.errors[name] = "required" }
            if sealed == nil && result.errors[idField] == nil { result.errors[idField] = "required" }
            let type = ImportFile.typeNames[value(typeField)]
            let length = ImportFile.periodNames[value(periodField)]
            if !value(typeField).isEmpty && type == nil { result.errors[typeField] = "badChoice" }
            if !value(periodField).isEmpty && length == nil { result.errors[periodField] = "badChoice" }
            if let type, let length, !type.periodLengths.contains(length) { result.errors[periodField] = "badPeriodForType" }
            if let sealed, !seen.insert(sealed.lookup).inserted { result.errors[idField] = "duplicateNationalID" }
            guard let type, let length, let start, let sealed, let digits = try? protector.reveal(sealed) else { continue }
            let enrolment = Enrolment(wearerID: Wearer.ID(rawValue: 0), customerID: "", dosimeterType: type, periodLength: length,
                                      startDate: start, orderedOn: receivedOn ?? today)
            if MasterDataValidation.enrolmentProblem(enrolment) != nil { result.errors[periodField] = "badPeriodForType"; continue }
            wearers.append(NewAgreement.Wearer(name: value(nameField), nationalID: sealed,
                                               birthDate: NationalIDBirthDate.birthDate(cprDigits: digits), enrolment: enrolment))
        }
        if wearers.isEmpty && !AgreementForm.allWearerFields.contains(where: { result.errors[$0] != nil }) {
            result.errors["wearer1Name"] = "atLeastOneWearer"
        }
        if result.errors.isEmpty {
            let customer = Customer(
                id: "", name: value("name"), deliveryAddress: value("deliveryAddress"), contactEmail: value("contactEmail"),
                companyID: value("companyID"), workplaceAddress: value("workplaceAddress"), billingAddress: value("billingAddress"),
                contactName: value("contactName"), invoiceChannel: channel ?? .paper,
                invoiceAddress: channel == .paper ? "" : value("invoiceAddress"), invoiceReference: value("invoiceReference"))
            // The customer number is assigned on acceptance; check the rest as `tld customer add` does.
            var probe = customer
            probe.id = Customer.number(sequence: Customer.firstSequence)
            if MasterDataValidation.customerProblem(probe) != nil {
                result.errors["deliveryAddress"] = "required"
            } else {
                result.agreement = NewAgreement(customer: customer, wearers: wearers)
            }
        }
        return result
    }
}
