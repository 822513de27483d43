import Foundation

/// A customer of the dosimetry service (a company, hospital or clinic): the `customer` table.
///
/// The customer data of DOMAIN.md §3: delivery and billing address, contact person and e-mail,
/// the invoice channel (GLN/EAN for public bodies) and the requisition/order number.
public struct Customer: Sendable, Hashable, Codable {
    /// The customer number printed on packing slips, e.g. `K-1042`.
    public var id: String
    public var name: String
    public var deliveryAddress: String
    public var contactEmail: String
    /// Company or licence-holder ID (Danish CVR number: 8 digits), empty when not known.
    public var companyID: String
    /// Where the dosimeters are worn, when it is not the delivery address.
    public var workplaceAddress: String
    /// Where paper invoices go; empty means the delivery address.
    public var billingAddress: String
    public var contactName: String
    public var invoiceChannel: InvoiceChannel
    /// The GLN for ``InvoiceChannel/eInvoice``, the e-mail address for ``InvoiceChannel/email``.
    public var invoiceAddress: String
    /// The customer's invoice reference, requisition or order number, printed on every invoice.
    public var invoiceReference: String

    public init(
        id: String, name: String, deliveryAddress: String = "", contactEmail: String = "",
        companyID: String = "", workplaceAddress: String = "", billingAddress: String = "",
        contactName: String = "", invoiceChannel: InvoiceChannel = .paper, invoiceAddress: String = "",
        invoiceReference: String = ""
    ) {
        self.id = id
        self.name = name
        self.deliveryAddress = deliveryAddress
        self.contactEmail = contactEmail
        self.companyID = companyID
        self.workplaceAddress = workplaceAddress
        self.billingAddress = billingAddress
        self.contactName = contactName
        self.invoiceChannel = invoiceChannel
        self.invoiceAddress = invoiceAddress
        self.invoiceReference = invoiceReference
    }

    /// The customer number for a sequence value: `K-1042`.
    public static func number(sequence: Int) -> String {
        let digits = String(sequence)
        return "K-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The sequence value of a lab-assigned number `K-` + digits, else nil.
    public static func sequence(of number: String) -> Int? {
        guard number.hasPrefix("K-") else { return nil }
        let digits = number.dropFirst(2)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(digits)
    }

    /// The first number the lab assigns.
    public static let firstSequence = 1001
}
