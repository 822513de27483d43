/// What a barcode scanner driver reports for one scan.
public enum ScanEvent: Sendable, Hashable, CustomStringConvertible {
    /// A valid card id.
    case card(CardID)
    /// A code that is not a card id: `raw` is the code as read (non-printable bytes shown as
    /// `<0x..>`), `reason` says why, in words an operator understands.
    case rejected(raw: String, reason: ScanRejection)

    public var description: String {
        switch self {
        case .card(let id): "card \(id)"
        case .rejected(let raw, let reason): "rejected \"\(raw)\": \(reason)"
        }
    }
}

/// Why a scan is not a card id. Each case's `description` is the message for the operator.
public enum ScanRejection: Sendable, Hashable, CustomStringConvertible {
    /// Nothing between two suffixes.
    case empty
    /// Control characters, invalid UTF-8 or an over-long line: a bad read, the wrong line speed,
    /// or the wrong suffix setting.
    case unreadable(detail: String)
    /// An EAN/UPC retail product code (for example a box's EAN-13), not a card label.
    case productCode(symbology: String)
    /// A web address (for example a QR code on packaging or a manual).
    case webAddress
    /// A symbology the lab does not print card labels in.
    case symbologyNotAccepted(AIMSymbologyIdentifier)
    /// The scanner was expected to send an AIM identifier (`]xy`) and did not: check its settings.
    case missingSymbologyIdentifier
    /// It looks like a number but is not a card id.
    case notACardID(CardIDProblem)

    public var description: String {
        switch self {
        case .empty: "empty scan"
        case .unreadable(let detail): "unreadable scan (\(detail)): scan again; if it persists check the scanner's line speed and suffix"
        case .productCode(let symbology): "this is a product bar code (\(symbology)), not a dosimeter card: scan the card's label"
        case .webAddress: "this is a web address (QR code), not a dosimeter card: scan the card's label"
        case .symbologyNotAccepted(let aim): "card labels are not printed as \(aim.symbologyName) (\(aim)): scan the card's label"
        case .missingSymbologyIdentifier: "the scanner sent no AIM symbology identifier: enable 'AIM ID' prefix or change the setting"
        case .notACardID(let problem): "not a card id: \(problem)"
        }
    }
}
