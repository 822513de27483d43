import LabStore

/// What one intake session did, for the summary at its end: cards taken in (of them early and late),
/// cards put aside with the reason and, for another customer's card, its owner; misreads and
/// unreadable scans to scan again; second scans.
public struct IntakeTally: Sendable, Hashable {
    /// A card put aside, and why.
    public struct PutAside: Sendable, Hashable {
        public var cardID: String
        /// The customer the card belongs to, for another customer's card.
        public var ownerCustomerID: String?
        public var reason: String
    }

    /// Cards taken in during this session.
    public private(set) var takenIn: [String] = []
    /// Of those, returned before their period ended.
    public private(set) var early: [String] = []
    /// Of those, returned after the reminder date (one month after the period, DOMAIN.md §3).
    public private(set) var late: [String] = []
    public private(set) var putAside: [PutAside] = []
    /// Misread numbers (check digit, length) and unreadable scans, as read.
    public private(set) var misreads: [String] = []
    /// Scans of a card already taken in.
    public private(set) var repeats = 0

    public init() {}

    /// Counts one scan's outcome; `arrivedOn` tells whether an accepted card is late.
    public mutating func count(_ outcome: ScanOutcome, arrivedOn: CalendarDay) {
        switch outcome {
        case let .accepted(card, _, end, _):
            takenIn.append(card)
            if arrivedOn > ReturnDeadlines.reminderDue(periodEnd: end) { late.append(card) }
        case let .acceptedBeforePeriodEnd(card, _, _):
            takenIn.append(card)
            early.append(card)
        case .alreadyScanned: repeats += 1
        case let .misread(code, _), let .unreadable(code): misreads.append(code)
        case let .unknownCard(card): putAside.append(PutAside(cardID: card, ownerCustomerID: nil, reason: "not a card of this lab"))
        case let .notIssued(card, state): putAside.append(PutAside(cardID: card, ownerCustomerID: nil, reason: "not issued (\(state.rawValue))"))
        case let .otherCustomer(card, owner): putAside.append(PutAside(cardID: card, ownerCustomerID: owner, reason: "belongs to \(owner)"))
        }
    }

    /// The summary's lines.
    public var lines: [String] {
        var out = ["Taken in: \(takenIn.count)" + (early.isEmpty ? "" : ", \(early.count) early") + (late.isEmpty ? "" : ", \(late.count) late")]
        if !late.isEmpty { out.append("  late (after the reminder date): " + late.joined(separator: " ")) }
        if putAside.isEmpty {
            out.append("Put aside: none")
        } else {
            out.append("Put aside: \(putAside.count)")
            for p in putAside { out.append("  card \(p.cardID): \(p.reason)") }
        }
        out.append("Misreads (scanned again?): \(misreads.count)")
        if repeats > 0 { out.append("Scanned twice: \(repeats)") }
        return out
    }
}
