import Foundation

/// The checks every path into the store makes on master data (commands, import), so that each refuses
/// the same input with the same words.
public enum MasterDataValidation {
    /// Why the customer record cannot be stored, or nil.
    public static func customerProblem(_ c: Customer) -> String? {
        if let p = customerNumberProblem(c.id) { return p }
        if c.name.trimmingCharacters(in: .whitespaces).isEmpty { return "a customer needs a name" }
        if !c.companyID.isEmpty && !isCVR(c.companyID) {
            return "company ID \"\(c.companyID)\" is not a CVR number (8 digits)"
        }
        if !c.contactEmail.isEmpty && !isEmailAddress(c.contactEmail) {
            return "contact e-mail \"\(c.contactEmail)\" is not an e-mail address"
        }
        switch c.invoiceChannel {
        case .eInvoice:
            if !InvoiceChannel.isValidGLN(c.invoiceAddress) {
                return "e-invoices need the customer's GLN/EAN (13 digits, GS1 check digit), not \"\(c.invoiceAddress)\""
            }
        case .email:
            if !isEmailAddress(c.invoiceAddress) {
                return "e-mailed invoices need an invoice e-mail address, not \"\(c.invoiceAddress)\""
            }
        case .paper:
            if c.billingAddress.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                && c.deliveryAddress.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                return "paper invoices need a billing or delivery address"
            }
        }
        return nil
    }

    /// Why `number` cannot be a customer number, or nil: 1–32 characters, no control characters,
    /// no spaces at either end.
    public static func customerNumberProblem(_ number: String) -> String? {
        if number.isEmpty { return "a customer needs a number" }
        if number.count > 32 { return "customer number \"\(number.prefix(32))…\" is longer than 32 characters" }
        if number.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            || number != number.trimmingCharacters(in: .whitespaces) {
            return "customer number \"\(number)\" has spaces at an end or control characters"
        }
        return nil
    }

    /// A Danish CVR number: 8 digits. (The CVR's own modulus-11 check is not applied: licence-holder
    /// IDs issued by the authority are also 8 digits and do not carry it.)
    public static func isCVR(_ text: String) -> Bool {
        text.utf8.count == 8 && text.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }

    /// A plausible e-mail address: one `@`, something before it, a dot in the domain, no spaces.
    public static func isEmailAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !text.contains(where: \.isWhitespace) else { return false }
        let domain = parts[1]
        return domain.contains(".") && !domain.hasPrefix(".") && !domain.hasSuffix(".")
    }

    /// Why an enrolment cannot be stored, or nil: the period fields and the dates.
    public static func enrolmentProblem(_ e: Enrolment) -> String? {
        if let p = Enrolment.periodProblem(type: e.dosimeterType, length: e.periodLength,
                                           changeDay: e.changeDay, cycleMonth: e.cycleMonth) { return p }
        if let end = e.endDate, end < e.startDate { return "the enrolment ends (\(end)) before it starts (\(e.startDate))" }
        return nil
    }
}
