import Foundation
import Instruments
import LabStore

/// How the bench should signal a scan's outcome: a colour and, for errors, a sound.
public enum IntakeCue: String, Sendable, Hashable {
    /// Green: the card is taken in.
    case success
    /// Yellow: taken in or harmless, but look (early return, second scan).
    case warning
    /// Red and a beep: the card is not taken in; put it aside.
    case error
}

/// What one scan at intake means. Each case says one thing, with the message the technician sees.
public enum ScanOutcome: Sendable, Hashable {
    /// The card was issued to this customer, its period has ended: taken in.
    case accepted(cardID: String, issueID: CardIssue.ID, periodEnd: CalendarDay, daysSincePeriodEnd: Int)
    /// Taken in, but its period has not ended yet (returned early).
    case acceptedBeforePeriodEnd(cardID: String, issueID: CardIssue.ID, periodEnd: CalendarDay)
    /// Scanned before in this return (or already taken in): nothing changes.
    case alreadyScanned(cardID: String)
    /// Not a card number at all (empty, spaces, control characters).
    case unreadable(code: String)
    /// Only digits, but not a card number: the check digit fails or a digit is missing or extra.
    /// A misread (or mistyped) number of a card that may well be this customer's: scan it again,
    /// do not put it aside.
    case misread(code: String, problem: CardIDProblem)
    /// No card with this number in the lab's records.
    case unknownCard(cardID: String)
    /// A card of the lab, but not out with anyone (in stock, being processed, retired).
    case notIssued(cardID: String, state: CardState)
    /// Issued to another customer: a foreign card in this envelope.
    case otherCustomer(cardID: String, customerID: String)

    public var cue: IntakeCue {
        switch self {
        case .accepted: .success
        case .acceptedBeforePeriodEnd, .alreadyScanned: .warning
        case .unreadable, .misread, .unknownCard, .notIssued, .otherCustomer: .error
        }
    }

    /// Whether the card must be put aside (it is not this customer's, or not out with anyone);
    /// a misread or unreadable scan is scanned again instead.
    public var putsAside: Bool {
        switch self {
        case .unknownCard, .notIssued, .otherCustomer: true
        default: false
        }
    }

    /// Whether the card is now taken in (its issue carries this return).
    public var isAccepted: Bool {
        switch self {
        case .accepted, .acceptedBeforePeriodEnd: true
        default: false
        }
    }

    /// A short code for the scan log: `accepted`, `unknownCard`, …
    public var code: String {
        switch self {
        case .accepted: "accepted"
        case .acceptedBeforePeriodEnd: "acceptedEarly"
        case .alreadyScanned: "alreadyScanned"
        case .unreadable: "unreadable"
        case .misread: "misread"
        case .unknownCard: "unknownCard"
        case .notIssued: "notIssued"
        case .otherCustomer: "otherCustomer"
        }
    }

    /// The message shown at the bench.
    public var message: String {
        switch self {
        case let .accepted(card, _, end, days):
            days > 0 ? "card \(card) taken in (period ended \(end), \(days) days before arrival)" : "card \(card) taken in (period ended \(end))"
        case let .acceptedBeforePeriodEnd(card, _, end):
            "card \(card) taken in BEFORE its period ends (\(end)): returned early"
        case let .alreadyScanned(card): "card \(card) is already scanned in this return"
        // What was scanned is shown with its control characters escaped: an ESC or BEL from a scanner
        // must not drive the bench's terminal.
        case let .unreadable(code): "\"\(ControlCharacters.escaped(code))\" is not a card number: scan again or type it"
        case let .misread(code, problem): "misread: \(ControlCharacters.escaped(code)) is not a card number (\(problem)): scan again"
        case let .unknownCard(card): "card \(card) is not a card of this lab: put it aside"
        case let .notIssued(card, state): "card \(card) was not issued to anyone (it is \(state.rawValue)): put it aside"
        case let .otherCustomer(card, customer): "card \(card) belongs to customer \(customer), not this one: put it aside"
        }
    }
}

/// The checks of one scan, as a pure function of what the lab knows of the card: the check digit
/// first (a number of digits that fails it is a misread, never "not a card of this lab"), then known
/// card, issued, issued to this customer, not scanned already, period ended.
public enum IntakeRules {
    public static func classify(
        code raw: String, card: Card?, currentIssue: CardIssue?, customerID: String, returnID: CustomerReturn.ID,
        scannedInThisReturn: Bool, arrivedOn: CalendarDay
    ) -> ScanOutcome {
        let code = raw.trimmingCharacters(in: .whitespaces)
        guard !code.isEmpty, code.count <= 64,
              !code.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == " " }) else {
            return .unreadable(code: raw)
        }
        // Check digit first: card numbers are 8 digits with a Luhn check digit (CardID, ISO/IEC
        // 7812-1 Annex B), which catches every single-digit misread and most swaps of neighbours.
        if code.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let problem = CardID.validate(code) {
            return .misread(code: code, problem: problem)
        }
        guard let card else { return .unknownCard(cardID: code) }
        if scannedInThisReturn { return .alreadyScanned(cardID: code) }
        guard let issue = currentIssue, let issueID = issue.id else { return .notIssued(cardID: code, state: card.state) }
        guard issue.customerID == customerID else { return .otherCustomer(cardID: code, customerID: issue.customerID) }
        if issue.returnID != nil || card.state != .issued {
            return issue.returnID == returnID ? .alreadyScanned(cardID: code) : .notIssued(cardID: code, state: card.state)
        }
        if arrivedOn <= issue.periodEnd {
            return .acceptedBeforePeriodEnd(cardID: code, issueID: issueID, periodEnd: issue.periodEnd)
        }
        return .accepted(cardID: code, issueID: issueID, periodEnd: issue.periodEnd, daysSincePeriodEnd: issue.periodEnd.days(to: arrivedOn))
    }
}
