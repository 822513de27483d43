/// Why a card read in a batch has no dose yet. Stored as the stable code (`rawValue`); the batch
/// counts as evaluated when every card has a dose or one of these reasons, and `tld evaluate` tries
/// the cards with a reason again (e.g. once a calibration exists).
public enum NotEvaluatedReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// No calibration dosimeters in the batch and no valid stored reader calibration.
    case noCalibration = "no-calibration"
    /// Every element of the card was lost or absent: there is no signal to evaluate.
    case noStoredElement = "no-stored-element"
    /// The card's readings could not be evaluated (the detail says why).
    case evaluationFailed = "evaluation-failed"

    /// What the operator reads.
    public var description: String {
        switch self {
        case .noCalibration: "no calibration"
        case .noStoredElement: "no stored element"
        case .evaluationFailed: "evaluation failed"
        }
    }
}
