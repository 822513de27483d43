/// How a customer wants its invoices (DOMAIN.md §3: "GLN/EAN for public bodies, requisition/order
/// number, invoice contact").
///
/// - ``eInvoice``: an electronic invoice to the customer's GLN (EAN location number, 13 digits with a
///   GS1 check digit), which Danish public bodies require;
/// - ``email``: a PDF invoice to an e-mail address;
/// - ``paper``: a letter to the billing address.
public enum InvoiceChannel: String, Sendable, Hashable, Codable, CaseIterable {
    case eInvoice = "e-invoice"
    case email
    case paper

    /// Whether `gln` is 13 digits whose last is the GS1 check digit of the first 12 (GS1 General
    /// Specifications §7.9.1, "Standard check digit calculations for GS1 data structures": weights 3
    /// and 1 alternating from the right of the payload, check digit = (10 − sum mod 10) mod 10).
    public static func isValidGLN(_ gln: String) -> Bool {
        let digits = Array(gln.utf8)
        guard digits.count == 13, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return false }
        let values = digits.map { Int($0) - 0x30 }
        var sum = 0
        for (offset, digit) in values.dropLast().reversed().enumerated() {
            sum += digit * (offset % 2 == 0 ? 3 : 1)
        }
        return (10 - sum % 10) % 10 == values[12]
    }
}
